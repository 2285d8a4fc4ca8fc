import { API_ERRORS, type ErrorCode } from '@sendcode/contract';

/**
 * The gateway's one error type, carrying a code of the contract's table (`@sendcode/contract`
 * `API_ERRORS`), which gives it its HTTP status and, unless the route says more, its message.
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly code: ErrorCode;
  readonly details: Readonly<Record<string, unknown>> | undefined;
  /** Seconds for the `Retry-After` header of a 429 or 503. */
  readonly retryAfter: number | undefined;

  constructor(
    code: ErrorCode,
    message: string = API_ERRORS[code].message,
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
    return API_ERRORS[this.code].status;
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
