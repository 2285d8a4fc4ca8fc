/**
 * The gateway's one error type. Every code has an HTTP status here, so adding a code without deciding
 * its status does not compile. Codes are part of the API: clients match on them, never rename one.
 */
export const API_ERROR_STATUS = {
  invalid_json: 400,
  validation_failed: 400,
  invalid_destination: 400,
  channel_mismatch: 400,
  invalid_code_format: 400,
  channel_not_in_plan: 400,
  unauthorized: 401,
  forbidden: 403,
  invalid_signature: 403,
  destination_blocked: 403,
  webhook_replayed: 403,
  not_found: 404,
  method_not_allowed: 405,
  verification_not_pending: 409,
  idempotency_key_in_use: 409,
  verification_being_created: 409,
  payload_too_large: 413,
  idempotency_key_reused: 422,
  unsupported_media_type: 415,
  rate_limited: 429,
  resend_too_soon: 429,
  max_sends_reached: 429,
  internal: 500,
  unavailable: 503,
} as const satisfies Record<string, number>;

export type ApiErrorCode = keyof typeof API_ERROR_STATUS;

export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly code: ApiErrorCode;
  readonly details: Readonly<Record<string, unknown>> | undefined;
  /** Seconds for the `Retry-After` header of a 429 or 503. */
  readonly retryAfter: number | undefined;

  constructor(
    code: ApiErrorCode,
    message: string,
    details?: Record<string, unknown>,
    options?: ErrorOptions & { retryAfterMs?: number },
  ) {
    super(message, options);
    this.code = code;
    this.details = details;
    const ms = options?.retryAfterMs;
    this.retryAfter = ms === undefined ? undefined : Math.max(1, Math.ceil(ms / 1000));
  }

  get status(): number {
    return API_ERROR_STATUS[this.code];
  }

  /** The documented wire shape: `{"error":{"code","message","details"?}}`. */
  toJSON() {
    return {
      error: { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) },
    };
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError || (error instanceof Error && error.name === 'ApiError');
}
