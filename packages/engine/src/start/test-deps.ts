import { randomBytes } from 'node:crypto';
import { createKeyRing, DEFAULT_SETTINGS, type Settings } from '@sendcode/policy';
import { createLogger } from '@sendcode/runtime';
import {
  createAdmission,
  createDeliveryQueues,
  createPrefixGuard,
  createProviderHealth,
  createReceiptDue,
  createSendWatch,
  createSpendLedger,
  createSupportIndex,
  createVerificationStore,
  type VerificationStore,
  type VerificationStoreOptions,
} from '@sendcode/store';
import type { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { providerHealthConfig } from '../config.ts';
import { createEngineMetrics } from '../metrics.ts';
import type { StartDeps } from './types.ts';

/** What a test may change in the start's wiring; everything else is the real default. */
export interface TestStartOptions {
  /** Key prefix (a fresh one per call by default, so tests do not see each other's limits). */
  readonly prefix: string;
  /** Wraps the store, e.g. to slow it down or break it. */
  readonly wrap?: (store: VerificationStore) => VerificationStore;
  readonly store?: Omit<VerificationStoreOptions, 'redis' | 'prefix'>;
  readonly settings?: Settings;
  readonly now?: () => number;
}

/**
 * Test-only fixture (not exported by the package): the start's dependencies on real Redis under
 * `options.prefix`. The caller closes `deps.queues` and quits `redis`.
 */
export function testStartDeps(redis: Redis, options: TestStartOptions): StartDeps {
  const { prefix, wrap = (s) => s } = options;
  return {
    store: wrap(createVerificationStore({ redis, prefix, ...options.store })),
    queues: createDeliveryQueues(redis, prefix),
    receiptDue: createReceiptDue({ redis, prefix }),
    watch: createSendWatch({ redis, prefix }),
    config: {
      settings: options.settings ?? DEFAULT_SETTINGS,
      maxSends: 5,
      resendCooldownMs: 30_000,
      receiptTimeoutMs: { sms: 60_000, voice: 90_000 },
      publicUrl: undefined,
      retry: { attempts: 3, backoffMs: 100 },
      stepRetryMs: 15_000,
      reconcileAfterMs: 5_000,
    },
    ring: createKeyRing(randomBytes(32).toString('hex')),
    admission: createAdmission({ redis, prefix }),
    health: createProviderHealth({
      redis,
      prefix,
      ...providerHealthConfig(options.settings ?? DEFAULT_SETTINGS),
    }),
    prefixGuard: createPrefixGuard({ redis, prefix }),
    supportIndex: createSupportIndex({ redis, prefix }),
    spend: createSpendLedger({ redis, prefix }),
    metrics: createEngineMetrics(new Registry()),
    logger: createLogger('test', 'silent'),
    now: options.now ?? Date.now,
    defaults: { codeLength: 6, ttlSeconds: 600, maxAttempts: 5, brand: 'Sendcode' },
  };
}
