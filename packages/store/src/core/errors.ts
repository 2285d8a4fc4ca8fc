/**
 * The store's one error type. Messages never carry an id, a code, a hash or a destination, so they
 * are safe to log.
 */
export const STORE_ERROR_CODES = [
  /** `create` found the id already in use; nothing was written. */
  'id_taken',
  /** A caller passed a value the store refuses to write (non-integer count, empty plan...). */
  'invalid_argument',
  /** A stored record field does not parse: the record was written by something else or corrupted. */
  'malformed_record',
  /** A stored timeline event does not parse. */
  'malformed_event',
  /** A Lua script answered something the store does not understand. */
  'malformed_reply',
  /** A stored send record does not parse. */
  'malformed_send',
  /** A stored circuit-breaker state does not parse. */
  'malformed_circuit',
  /** A stored counter (spend, prefix guard, support index score) does not parse. */
  'malformed_counter',
  /** A provider's stored delivery health (its counts or routing state) does not parse. */
  'malformed_health',
] as const;
export type StoreErrorCode = (typeof STORE_ERROR_CODES)[number];

/** Raised by the verification store; recognise it with `instanceof StoreError || err.name === 'StoreError'`. */
export class StoreError extends Error {
  override readonly name = 'StoreError';
  readonly code: StoreErrorCode;

  constructor(code: StoreErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

/** The error for a script reply the store does not understand. */
export function malformed(script: string): StoreError {
  return new StoreError('malformed_reply', `unexpected reply from the ${script} script`);
}
