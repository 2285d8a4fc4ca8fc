/**
 * @sendcode/store — the one place that talks to Redis: verification records and timelines (atomic
 * Lua scripts), key layout, and the queue names and job payloads shared by gateway and workers.
 */

export * from './delivery-queue.ts';
export { STORE_ERROR_CODES, StoreError, type StoreErrorCode } from './errors.ts';
export { DEFAULT_PREFIX, type VerificationKeys, verificationKeys } from './keys.ts';
export * from './queues.ts';
export * from './types.ts';
export {
  createVerificationStore,
  type SentEvent,
  type VerificationStore,
  type VerificationStoreOptions,
} from './verification-store.ts';
