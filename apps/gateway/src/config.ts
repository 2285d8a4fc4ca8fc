import { engineEnv } from '@sendcode/engine';
import { checkBrand } from '@sendcode/policy';
import { coreEnv, optionalString, port, signatureSecret } from '@sendcode/runtime';
import { z } from 'zod';
import { apiKeysSchema } from './auth.ts';

const gatewayFields = coreEnv.extend(engineEnv.shape).extend({
  PORT: port(8080),
  HOST: z.string().default('127.0.0.1'),
  /**
   * How long the gateway waits on Redis. A command with no answer within this long fails, and its
   * request is answered 503 `unavailable` with Retry-After; a connection on which nothing arrives for
   * as long while a command waits is dropped and made again, so while the link is stalled (TCP up,
   * no answers) requests are refused at once instead of each waiting. Far above Redis's normal answer
   * (well under a millisecond) and a busy moment's, far below an API client's own timeout.
   */
  REDIS_COMMAND_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(2_000),
  /** Set when Twilio is in use: the gateway never calls Twilio, but verifies its receipts and warns on toll-fraud exposure. */
  TWILIO_ACCOUNT_SID: optionalString,
  SENDCODE_API_KEYS: z
    .string({ error: 'is required: a JSON array of {"name","key","scopes"}' })
    .transform((raw, ctx) => {
      try {
        return JSON.parse(raw) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'is not valid JSON' });
        return z.NEVER;
      }
    })
    .pipe(apiKeysSchema),
  CODE_LENGTH: z.coerce.number().int().min(4).max(10).default(6),
  CODE_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(600),
  MAX_CHECK_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(5),
  /** Verifies Twilio's X-Twilio-Signature on status callbacks. */
  TWILIO_AUTH_TOKEN: signatureSecret,
  /** Verifies Vonage's signed SMS receipts and the JWTs on voice events. */
  VONAGE_SIGNATURE_SECRET: signatureSecret,
  /** Set when Vonage is in use. */
  VONAGE_API_KEY: optionalString,
  DEFAULT_BRAND: z
    .string()
    .default('Sendcode')
    .refine((brand) => checkBrand(brand).ok, 'must be a plain name (no links, at most 30 characters)'),
});

/** Each provider's account variable, and the secret its receipts are verified with. */
const RECEIPT_SECRETS = [
  { provider: 'Twilio', account: 'TWILIO_ACCOUNT_SID', secret: 'TWILIO_AUTH_TOKEN' },
  { provider: 'Vonage', account: 'VONAGE_API_KEY', secret: 'VONAGE_SIGNATURE_SECRET' },
] as const;

/**
 * With PUBLIC_URL set the workers ask every provider they send with for receipts at this gateway. A
 * receipt it cannot verify is refused, so every SMS and call would wait out its receipt timeout and
 * fail over: refuse to start instead. A provider is in use when its account variable is set, as the
 * workers decide it; the sandbox is configured through the same variables, so it is no exception.
 */
function requireReceiptSecrets(env: z.output<typeof gatewayFields>, ctx: z.RefinementCtx): void {
  if (!env.PUBLIC_URL) return;
  for (const { provider, account, secret } of RECEIPT_SECRETS) {
    if (!env[account] || env[secret]) continue;
    ctx.addIssue({
      code: 'custom',
      path: [secret],
      message: `is required when PUBLIC_URL and ${account} are set (without it every ${provider} receipt is refused and every SMS and call fails over)`,
    });
  }
}

/**
 * Everything the gateway reads from its environment, validated once at boot. Give it the same
 * provider variables as the workers: TWILIO_ACCOUNT_SID and VONAGE_API_KEY tell it which providers
 * are in use, and so which receipts it must be able to verify.
 */
export const gatewayEnv = gatewayFields.superRefine(requireReceiptSecrets).superRefine(waitWithinTimeout);

/**
 * A WAIT blocks the connection it is sent on, so it must give up before the commands waiting behind
 * it time out: else a missing replica would read as Redis not answering at all.
 */
function waitWithinTimeout(env: z.output<typeof gatewayFields>, ctx: z.RefinementCtx): void {
  if (env.REDIS_WAIT_REPLICAS === 0 || env.REDIS_WAIT_TIMEOUT_MS < env.REDIS_COMMAND_TIMEOUT_MS) return;
  ctx.addIssue({
    code: 'custom',
    path: ['REDIS_WAIT_TIMEOUT_MS'],
    message: `must be below REDIS_COMMAND_TIMEOUT_MS (${env.REDIS_COMMAND_TIMEOUT_MS}) when REDIS_WAIT_REPLICAS is set`,
  });
}
export type GatewayEnv = z.infer<typeof gatewayEnv>;
