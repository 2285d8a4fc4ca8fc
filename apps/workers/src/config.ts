import { providerBaseUrl, refuseInsecureBaseUrls } from '@sendcode/channels';
import { engineEnv } from '@sendcode/engine';
import { type PaidChannel, providersFor } from '@sendcode/policy';
import { coreEnv, optionalString, port } from '@sendcode/runtime';
import { z } from 'zod';

/** A provider API base URL override: https, or http to this machine or a listed host (the sandbox). */
const baseUrl = optionalString.pipe(providerBaseUrl.optional());
const BASE_URLS = ['TWILIO_API_BASE_URL', 'VONAGE_REST_HOST', 'VONAGE_API_HOST'] as const;

/** A comma-separated provider order for `channel`: any of the registry's providers of it, all by default. */
const providerList = (channel: PaidChannel) =>
  z
    .string()
    .default(providersFor(channel).join(','))
    .transform((value) => value.split(',').map((name) => name.trim()))
    .pipe(z.array(z.enum(providersFor(channel))).min(1));

/** Names each variable of `names` left unset while another of them is set. */
function allOrNone<K extends string>(names: readonly K[], why: string) {
  return (env: Partial<Record<K, string | undefined>>, ctx: z.RefinementCtx) => {
    const set = names.filter((name) => env[name] !== undefined);
    if (set.length === 0 || set.length === names.length) return;
    for (const name of names.filter((n) => env[n] === undefined)) {
      ctx.addIssue({ code: 'custom', path: [name], message: `required with ${set.join(' and ')} (${why})` });
    }
  };
}

const fields = coreEnv.extend(engineEnv.shape).extend({
  WORKERS_METRICS_PORT: port(9464),
  WORKERS_HOST: z.string().default('127.0.0.1'),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(500).default(20),
  /**
   * How long a job's lock lasts (BullMQ lockDuration, renewed while it runs) and so how soon the jobs
   * of a crashed worker are taken up again (the stalled check runs as often).
   */
  WORKER_LOCK_MS: z.coerce.number().int().min(1_000).default(30_000),
  /** A queue whose jobs wait this long while its worker runs nothing gets a new worker (the watchdog). */
  WATCHDOG_STUCK_SECONDS: z.coerce.number().positive().default(60),
  /**
   * Take part in exporting queue depth and age: of every worker process with this on, the one holding
   * a short Redis lease exports them, so any number of replicas is correct. `false`: never this one.
   */
  WORKERS_EXPORT_QUEUE_METRICS: z.stringbool().default(true),
  /** Provider order per channel; providers without credentials are skipped. */
  SMS_PROVIDERS: providerList('sms'),
  VOICE_PROVIDERS: providerList('voice'),
  SMTP_URL: optionalString,
  MAIL_FROM: optionalString,
  TWILIO_ACCOUNT_SID: optionalString,
  TWILIO_AUTH_TOKEN: optionalString,
  TWILIO_FROM: optionalString,
  TWILIO_API_BASE_URL: baseUrl,
  VONAGE_API_KEY: optionalString,
  VONAGE_API_SECRET: optionalString,
  VONAGE_APPLICATION_ID: optionalString,
  /** The PEM itself, or a path to a file holding it. */
  VONAGE_PRIVATE_KEY: optionalString,
  VONAGE_FROM: optionalString,
  VONAGE_REST_HOST: baseUrl,
  VONAGE_API_HOST: baseUrl,
  /** Hosts the base URLs above may reach over plain http besides loopback, comma-separated. */
  PROVIDER_PLAIN_HTTP_HOSTS: z
    .string()
    .default('')
    .transform((value) =>
      value
        .split(',')
        .map((host) => host.trim())
        .filter(Boolean),
    ),
  /** DKIM signing of email: all three or none. The domain should be MAIL_FROM's (DMARC alignment). */
  DKIM_DOMAIN: optionalString,
  DKIM_SELECTOR: optionalString,
  /** The PEM itself (newlines may be written as `\n`), or a path to a file holding it. */
  DKIM_PRIVATE_KEY: optionalString,
});

/** Everything the workers read from their environment, validated once at boot. */
export const workersEnv = fields
  .superRefine(
    allOrNone(['DKIM_DOMAIN', 'DKIM_SELECTOR', 'DKIM_PRIVATE_KEY'], 'DKIM signs with all three or none'),
  )
  .superRefine((env, ctx) =>
    refuseInsecureBaseUrls(
      ctx,
      Object.fromEntries(BASE_URLS.map((name) => [name, env[name]])),
      env.PROVIDER_PLAIN_HTTP_HOSTS,
    ),
  );
export type WorkersEnv = z.infer<typeof workersEnv>;
