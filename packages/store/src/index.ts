/**
 * @sendcode/store — the one place that talks to Redis: verification records, their sends and
 * timelines (atomic Lua scripts), admission (rate limits and the pending index), idempotency keys,
 * the spend cap, the prefix guard, the support index, the providers' circuit breakers and delivery
 * health, the receipt timeouts' due set, the send watch, key layout, and the queue names and job payloads shared by
 * gateway and workers.
 */

export {
  type Admission,
  type AdmissionOptions,
  type AdmitInput,
  type AdmitOutcome,
  type ChargeInput,
  type ChargeOutcome,
  createAdmission,
  type LimitRule,
  pendingKey,
  type RefundInput,
  rateLimitKey,
} from './admission/admission.ts';
export {
  type AuditEntry,
  type AuditLog,
  type AuditLogOptions,
  auditLogKey,
  createAuditLog,
} from './audit/audit.ts';
export {
  CIRCUIT_STATES,
  type CircuitBreaker,
  type CircuitBreakerConfig,
  type CircuitBreakerOptions,
  type CircuitName,
  type CircuitState,
  circuitBreakerKey,
  createCircuitBreaker,
  DEFAULT_CIRCUIT_BREAKER_CONFIG,
} from './circuit-breaker/circuit-breaker.ts';
export {
  type ConnectionOptions,
  createRedisConnection,
  type RedisConnection,
} from './core/connection.ts';
export { STORE_ERROR_CODES, StoreError, type StoreErrorCode } from './core/errors.ts';
export { parseInfo } from './core/info.ts';
export { DEFAULT_PREFIX, type VerificationKeys, verificationKeys } from './core/keys.ts';
export {
  checkRedis,
  checkRedisAtBoot,
  checkRedisServers,
  MIN_REDIS_VERSION,
  type RedisFinding,
  type RedisFindingCode,
} from './core/redis-checks.ts';
export { type RedisMemory, readRedisMemory } from './core/redis-memory.ts';
export { writeTogether } from './core/together.ts';
export * from './core/types.ts';
export { isRedisRefusal, isRedisUnavailable } from './core/unavailable.ts';
export {
  createDurability,
  type Durability,
  type DurabilityOptions,
  nodeOf,
  ReplicaWaitError,
  type StartedKeys,
} from './durability/durability.ts';
export {
  createIdempotencyStore,
  type IdempotencyBegin,
  type IdempotencyStore,
  type IdempotencyStoreOptions,
  idempotencyKey,
} from './idempotency/idempotency.ts';
export {
  createLease,
  type KeptLease,
  keepLease,
  type Lease,
  type LeaseOptions,
  leaseKey,
} from './lease/lease.ts';
export { type OpenStoresOptions, openStores, type Stores } from './open-stores.ts';
export {
  createPrefixGuard,
  type PrefixBlock,
  type PrefixBlockScope,
  type PrefixGuard,
  type PrefixGuardKeys,
  type PrefixGuardOptions,
  type PrefixRule,
  type PrefixStartOutcome,
  prefixGuardKeys,
} from './prefix-guard/prefix-guard.ts';
export {
  createProviderHealth,
  type HealthOutcome,
  type HealthSnapshot,
  type ProviderHealth,
  type ProviderHealthOptions,
  providerHealthKey,
} from './provider-health/provider-health.ts';
export * from './queues/delivery-queue.ts';
export * from './queues/queues.ts';
export {
  createReceiptDue,
  type ReceiptDue,
  type ReceiptDueOptions,
  receiptDueKey,
} from './receipt-due/receipt-due.ts';
export { DEFAULT_REFUSAL_QUOTA, REFUSAL_WINDOW_MS, refusalQuotaKey } from './refusal/refusal.ts';
export {
  createSendWatch,
  type SendWatch,
  type SendWatchOptions,
  sendWatchKey,
} from './send-watch/send-watch.ts';
export type { AcceptedEvent, AdvanceInput, ReceiptClaim, ReceiptInput, SendStore } from './sends/sends.ts';
export {
  createSpendLedger,
  type SpendLedger,
  type SpendLedgerOptions,
  spendDay,
  spendKey,
} from './spend/spend.ts';
export {
  createSupportIndex,
  type IndexKind,
  type SupportIndex,
  type SupportIndexOptions,
  supportIndexKey,
} from './support-index/support-index.ts';
export {
  type CodeToCheck,
  createVerificationStore,
  type VerificationStore,
  type VerificationStoreOptions,
} from './verification/verification-store.ts';
