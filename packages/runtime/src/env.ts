import { z } from 'zod';
import { parseRedisUrl } from './redis-url.ts';

/**
 * Environment parsing shared by the apps: every process validates its whole environment once at
 * boot and refuses to start with a message naming each bad variable, rather than failing later.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Parses `env` with `schema`, or throws a ConfigError listing every problem, one per line. */
export function parseEnv<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => `  ${issue.path.join('.') || '(env)'}: ${issue.message}`);
  throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
}

/** An env var holding a TCP port; `0` asks the OS for a free one. */
export const port = (fallback: number) => z.coerce.number().int().min(0).max(65_535).default(fallback);

/** An optional env var where an empty string means "unset" (shells make those easily). */
export const optionalString = z
  .string()
  .optional()
  .transform((value) => (value === '' ? undefined : value));

/**
 * An optional secret that provider webhook signatures are made with (Twilio's auth token, Vonage's
 * signature secret). One captured signed request lets anyone test guesses offline, so a short secret
 * is refused at boot; 32 characters is what Twilio's own auth tokens have.
 */
export const signatureSecret = optionalString.pipe(
  z.string().min(32, 'must be at least 32 characters (it verifies provider webhook signatures)').optional(),
);

/** Settings every Sendcode process needs to reach shared state. */
export const coreEnv = z.object({
  /** One Redis (`redis://`, `rediss://`) or a cluster's seed nodes (`redis+cluster://h1:7000,h2:7001`). */
  REDIS_URL: z.string().superRefine((value, ctx) => {
    try {
      parseRedisUrl(value);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) });
    }
  }),
  SENDCODE_SECRET: z.string().min(32, 'must be at least 32 characters (HMAC and encryption key material)'),
  SENDCODE_PREFIX: z
    .string()
    .regex(/^[a-z0-9-]{1,32}$/, 'lower-case letters, digits and hyphens only')
    .default('sc'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});
export type CoreEnv = z.infer<typeof coreEnv>;
