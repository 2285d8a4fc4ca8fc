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
} from './admission.ts';
export {
  type AuditEntry,
  type AuditLog,
  type AuditLogOptions,
  auditLogKey,
  createAuditLog,
} from './audit.ts';
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
} from './circuit-breaker.ts';
export {
  type ConnectionOptions,
  createRedisConnection,
  type RedisConnection,
} from './connection.ts';
export * from './delivery-queue.ts';
export { STORE_ERROR_CODES, StoreError, type StoreErrorCode } from './errors.ts';
export {
  createIdempotencyStore,
  type IdempotencyBegin,
  type IdempotencyStore,
  type IdempotencyStoreOptions,
  idempotencyKey,
} from './idempotency.ts';
export { DEFAULT_PREFIX, type VerificationKeys, verificationKeys } from './keys.ts';
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
} from './prefix-guard.ts';
export {
  createProviderHealth,
  type HealthOutcome,
  type HealthSnapshot,
  type ProviderHealth,
  type ProviderHealthOptions,
  providerHealthKey,
} from './provider-health.ts';
export * from './queues.ts';
export { createReceiptDue, type ReceiptDue, type ReceiptDueOptions, receiptDueKey } from './receipt-due.ts';
export { DEFAULT_REFUSAL_QUOTA, REFUSAL_WINDOW_MS, refusalQuotaKey } from './refusal.ts';
export { createSendWatch, type SendWatch, type SendWatchOptions, sendWatchKey } from './send-watch.ts';
export type { AcceptedEvent, AdvanceInput, ReceiptInput, SendStore } from './sends.ts';
export { createSpendLedger, type SpendLedger, type SpendLedgerOptions, spendDay, spendKey } from './spend.ts';
export {
  createSupportIndex,
  type IndexKind,
  type SupportIndex,
  type SupportIndexOptions,
  supportIndexKey,
} from './support-index.ts';
export * from './types.ts';
export { isRedisUnavailable } from './unavailable.ts';
export {
  createVerificationStore,
  type VerificationStore,
  type VerificationStoreOptions,
} from './verification-store.ts';
