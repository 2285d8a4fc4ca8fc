import { createAdmission } from './admission/admission.ts';
import { createAuditLog } from './audit/audit.ts';
import { type CircuitBreakerOptions, createCircuitBreaker } from './circuit-breaker/circuit-breaker.ts';
import type { RedisConnection } from './core/connection.ts';
import { writeTogether } from './core/together.ts';
import { createDurability, type DurabilityOptions } from './durability/durability.ts';
import { createIdempotencyStore } from './idempotency/idempotency.ts';
import { createPrefixGuard } from './prefix-guard/prefix-guard.ts';
import { createProviderHealth, type ProviderHealthOptions } from './provider-health/provider-health.ts';
import { createDeliveryQueues, type RetryOptions } from './queues/delivery-queue.ts';
import { createReceiptDue } from './receipt-due/receipt-due.ts';
import { createSendWatch } from './send-watch/send-watch.ts';
import { createSpendLedger } from './spend/spend.ts';
import { createSupportIndex } from './support-index/support-index.ts';
import { createVerificationStore, type VerificationStoreOptions } from './verification/verification-store.ts';

/** What every component takes on top of the connection and the prefix. */
type Tuning<T> = Omit<T, 'redis' | 'prefix'>;

export interface OpenStoresOptions {
  /**
   * Delivery-health buckets (`providerHealthConfig` in @sendcode/engine): every process that counts
   * outcomes must bucket alike, so there is no default here.
   */
  readonly health: Tuning<ProviderHealthOptions>;
  /** Retries of a delivery job; default `DEFAULT_RETRY`. */
  readonly retry?: RetryOptions;
  /** Shards of each channel's queue sends go to (`QUEUE_SHARDS`); default 1, or 8 on a cluster. */
  readonly queueShards?: number | undefined;
  readonly circuit?: Tuning<CircuitBreakerOptions>;
  readonly verifications?: Tuning<VerificationStoreOptions>;
  /** Durable accept (`REDIS_WAIT_REPLICAS`, `REDIS_WAIT_TIMEOUT_MS`); default off. */
  readonly durable?: Pick<DurabilityOptions, 'replicas' | 'timeoutMs'>;
}

/**
 * Opens every store the apps use on `redis` under `prefix`, named as the engine's dependencies name
 * them, so an app spreads them into what it wires. The prefix is given once: a gateway and workers
 * that disagree on it share nothing and deliver nothing, so no store may be wired with another.
 * Opening is cheap (no round trip; the scripts are defined once per connection); the caller closes
 * `queues` and then the connection.
 */
export function openStores(redis: RedisConnection, prefix: string, options: OpenStoresOptions) {
  const shared = { redis, prefix } as const;
  const queues = createDeliveryQueues(redis, prefix, { retry: options.retry, shards: options.queueShards });
  return {
    prefix,
    store: createVerificationStore({ ...shared, ...options.verifications }),
    queues,
    durable: createDurability({ ...shared, queues, ...options.durable }),
    admission: createAdmission(shared),
    idempotency: createIdempotencyStore(shared),
    prefixGuard: createPrefixGuard(shared),
    supportIndex: createSupportIndex(shared),
    audit: createAuditLog(shared),
    spend: createSpendLedger(shared),
    receiptDue: createReceiptDue(shared),
    watch: createSendWatch(shared),
    health: createProviderHealth({ ...shared, ...options.health }),
    circuit: createCircuitBreaker({ ...shared, ...options.circuit }),
    /** Hands the commands `send` issues (without awaiting between them) to Redis in one write (`writeTogether`). */
    together: <T>(send: () => T): T => writeTogether(redis, send),
  };
}

/** Every store of one deployment, on one connection under one key prefix (`openStores`). */
export type Stores = ReturnType<typeof openStores>;
