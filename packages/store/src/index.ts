/**
 * @sendcode/store — the one place that talks to Redis: verification records, their sends and
 * timelines (atomic Lua scripts), the providers' circuit breakers, webhook nonces, key layout, and the
 * queue names and job payloads shared by gateway and workers.
 */

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
export * from './delivery-queue.ts';
export { STORE_ERROR_CODES, StoreError, type StoreErrorCode } from './errors.ts';
export { DEFAULT_PREFIX, type VerificationKeys, verificationKeys } from './keys.ts';
export { createNonceStore, type NonceStore, type NonceStoreOptions, nonceKey } from './nonces.ts';
export * from './queues.ts';
export type { AcceptedEvent, AdvanceInput, ReceiptInput, SendStore } from './sends.ts';
export * from './types.ts';
export {
  createVerificationStore,
  type VerificationStore,
  type VerificationStoreOptions,
} from './verification-store.ts';
