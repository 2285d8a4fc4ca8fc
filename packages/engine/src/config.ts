import { healthBucketMs, type Settings } from '@sendcode/policy';
import { MAX_QUEUE_SHARDS, type RetryOptions } from '@sendcode/store';
import { z } from 'zod';
import { loadSettings } from './settings.ts';

const seconds = (fallback: number) => z.coerce.number().positive().default(fallback);

/**
 * Delivery rules both apps share (the gateway fails over on receipts and resends; the workers send,
 * retry and fail over), read from the same environment variables so the two can never disagree.
 */
export const engineEnv = z.object({
  /**
   * Shards of each channel's delivery queue (hash tags of their own, so on a cluster on several
   * masters); default 1 on one Redis, 8 on a cluster. Gateways add to these; workers consume these
   * and any higher shard ever used, so lowering it strands no job. See docs/scaling.md.
   */
  QUEUE_SHARDS: z.coerce.number().int().min(1).max(MAX_QUEUE_SHARDS).optional(),
  /** Sends per verification: the first, resends and failovers. */
  MAX_SENDS: z.coerce.number().int().min(1).max(20).default(5),
  RESEND_COOLDOWN_SECONDS: z.coerce.number().min(0).default(30),
  /** BullMQ attempts per send, and the first backoff delay (doubling, ± 50 % jitter). */
  DELIVERY_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(10),
  DELIVERY_BACKOFF_MS: z.coerce.number().int().min(10).default(1_000),
  /**
   * While the plan has a next step, how long a send whose providers keep failing with retryable
   * errors is retried before the plan moves on (`retries_exhausted`), counted from when it was queued.
   * The last step retries within the code's lifetime.
   */
  STEP_RETRY_SECONDS: z.coerce.number().min(0).default(15),
  /** How long to wait for a delivery receipt before moving to the next step of the plan. */
  SMS_RECEIPT_TIMEOUT_SECONDS: seconds(60),
  VOICE_RECEIPT_TIMEOUT_SECONDS: seconds(90),
  /** Consecutive failures that open a circuit: high enough that a flaky provider (30 % errors) does not trip it. */
  CIRCUIT_FAILURE_THRESHOLD: z.coerce.number().int().min(1).default(10),
  CIRCUIT_ERROR_RATIO: z.coerce.number().gt(0).max(1).default(0.5),
  CIRCUIT_MIN_REQUESTS: z.coerce.number().int().min(1).default(20),
  CIRCUIT_WINDOW_SECONDS: seconds(60),
  CIRCUIT_COOLDOWN_SECONDS: seconds(30),
  /**
   * Durable accept: replicas every write that makes a promise must reach before it is made — the
   * gateway's 201, a worker's "accepted by the provider" before its job completes (Redis `WAIT`). 0
   * is off: Redis replicates asynchronously, and a master that dies may take its last writes along.
   */
  REDIS_WAIT_REPLICAS: z.coerce.number().int().min(0).max(10).default(0),
  /**
   * How long one WAIT may block its connection (every command behind it on that connection waits
   * too). A replica on the same network acknowledges within a millisecond or two.
   */
  REDIS_WAIT_TIMEOUT_MS: z.coerce.number().int().min(10).max(10_000).default(500),
  /**
   * The gateway's externally reachable base URL, where providers post receipts. Without it no
   * receipts are asked for, so no receipt timeouts run either.
   */
  /** Path of the policy settings file (limits, fraud guard, costs, routing, clients); default: built-in. */
  SENDCODE_SETTINGS: z.string().optional(),
  /** Earlier values of SENDCODE_SECRET, comma-separated, still accepted while their data lives (key rotation). */
  SENDCODE_PREVIOUS_SECRETS: z
    .string()
    .optional()
    .transform((value) =>
      (value ?? '')
        .split(',')
        .map((secret) => secret.trim())
        .filter(Boolean),
    ),
  PUBLIC_URL: z
    .url({ protocol: /^https?$/ })
    .optional()
    .transform((url) => url?.replace(/\/+$/, '')),
});
export type EngineEnv = z.infer<typeof engineEnv>;

/**
 * A job is added milliseconds after its send is recorded, and most sends are accepted within a
 * second or two: 5 s is long enough that the reconciler looks at almost none of the sends that are
 * fine, and short enough that a stranded one still reaches the user in seconds.
 */
const RECONCILE_AFTER_MS = 5_000;

/** The engine's settings in the units it works in. */
export interface EngineConfig {
  readonly maxSends: number;
  readonly resendCooldownMs: number;
  readonly receiptTimeoutMs: { readonly sms: number; readonly voice: number };
  readonly publicUrl: string | undefined;
  readonly retry: RetryOptions;
  /** Retry budget of a step that has a next one (`STEP_RETRY_SECONDS`). */
  readonly stepRetryMs: number;
  /**
   * How long after it was recorded the reconciler first looks at a send still in flight: a send
   * queued this long without a job, or accepted without a receipt timeout, was left half done.
   */
  readonly reconcileAfterMs: number;
  readonly settings: Settings;
}

export function engineConfig(env: EngineEnv): EngineConfig {
  return {
    settings: loadSettings(env.SENDCODE_SETTINGS),
    maxSends: env.MAX_SENDS,
    resendCooldownMs: env.RESEND_COOLDOWN_SECONDS * 1000,
    receiptTimeoutMs: {
      sms: env.SMS_RECEIPT_TIMEOUT_SECONDS * 1000,
      voice: env.VOICE_RECEIPT_TIMEOUT_SECONDS * 1000,
    },
    publicUrl: env.PUBLIC_URL,
    retry: { attempts: env.DELIVERY_ATTEMPTS, backoffMs: env.DELIVERY_BACKOFF_MS },
    stepRetryMs: env.STEP_RETRY_SECONDS * 1000,
    reconcileAfterMs: RECONCILE_AFTER_MS,
  };
}

/** Durable accept for @sendcode/store's `openStores` (`REDIS_WAIT_REPLICAS`, `REDIS_WAIT_TIMEOUT_MS`). */
export function durableConfig(env: EngineEnv) {
  return { replicas: env.REDIS_WAIT_REPLICAS, timeoutMs: env.REDIS_WAIT_TIMEOUT_MS };
}

/** Circuit-breaker settings for @sendcode/store's `createCircuitBreaker`. */
export function circuitConfig(env: EngineEnv) {
  return {
    failureThreshold: env.CIRCUIT_FAILURE_THRESHOLD,
    errorRatio: env.CIRCUIT_ERROR_RATIO,
    minRequests: env.CIRCUIT_MIN_REQUESTS,
    windowMs: env.CIRCUIT_WINDOW_SECONDS * 1000,
    cooldownMs: env.CIRCUIT_COOLDOWN_SECONDS * 1000,
    probeTimeoutMs: 10_000,
  };
}

/**
 * Delivery-health settings for @sendcode/store's `createProviderHealth`, from the settings file
 * (`providerHealth`): the gateway, which counts receipts, and the workers, which count receipt
 * timeouts and judge, must bucket alike, so both derive them here. Buckets are kept for the window
 * and one more; the hash (routing state included) lapses after two windows and a cooldown without
 * an outcome, so a demotion outlives its evidence only while nothing is sent at all.
 */
export function providerHealthConfig(settings: Settings) {
  const rules = settings.providerHealth;
  const bucketMs = healthBucketMs(rules);
  const windowMs = rules.windowSeconds * 1000;
  return {
    bucketMs,
    keepMs: windowMs + bucketMs,
    ttlMs: Math.ceil(2 * windowMs + rules.cooldownSeconds * 1000),
  };
}
