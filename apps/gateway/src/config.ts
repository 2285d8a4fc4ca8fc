import { engineEnv } from '@sendcode/engine';
import { checkBrand } from '@sendcode/policy';
import { coreEnv, optionalString, port, signatureSecret } from '@sendcode/runtime';
import { z } from 'zod';
import { apiKeysSchema } from './auth.ts';

/** Everything the gateway reads from its environment, validated once at boot. */
export const gatewayEnv = coreEnv.extend(engineEnv.shape).extend({
  PORT: port(8080),
  HOST: z.string().default('127.0.0.1'),
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
  VONAGE_API_KEY: optionalString,
  DEFAULT_BRAND: z
    .string()
    .default('Sendcode')
    .refine((brand) => checkBrand(brand).ok, 'must be a plain name (no links, at most 30 characters)'),
});
export type GatewayEnv = z.infer<typeof gatewayEnv>;
