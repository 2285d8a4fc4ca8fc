import type { ErrorCode } from '@sendcode/contract';

/**
 * A `SendcodeError`'s code: one of the API's error codes (the table of `@sendcode/contract`:
 * `validation_failed`, `invalid_destination`, `rate_limited`, `resend_too_soon`, `not_found`,
 * `unauthorized`...), or `network_error` when no answer came, or `unexpected_response` when the answer
 * was not the API's error shape.
 */
export type SendcodeErrorCode = ErrorCode | 'network_error' | 'unexpected_response';

/**
 * What every failed call throws, with the `code` of the answer. Recognise it with `isSendcodeError`
 * (works across bundled copies of this package).
 */
export class SendcodeError extends Error {
  override readonly name = 'SendcodeError';
  /** HTTP status; 0 for `network_error`. */
  readonly status: number;
  readonly code: SendcodeErrorCode;
  readonly details: Readonly<Record<string, unknown>> | undefined;
  /** Seconds to wait before retrying, from `Retry-After` (429 and 503). */
  readonly retryAfter: number | undefined;

  constructor(
    init: {
      status: number;
      code: SendcodeErrorCode;
      message: string;
      details?: Record<string, unknown> | undefined;
      retryAfter?: number | undefined;
    },
    options?: ErrorOptions,
  ) {
    super(init.message, options);
    this.status = init.status;
    this.code = init.code;
    this.details = init.details;
    this.retryAfter = init.retryAfter;
  }
}

/** True for a `SendcodeError`, by class or by name. */
export function isSendcodeError(error: unknown): error is SendcodeError {
  return error instanceof SendcodeError || (error instanceof Error && error.name === 'SendcodeError');
}

/** Builds the error for a non-2xx answer from its body (already read as text). */
export function errorFromResponse(response: Response, text: string): SendcodeError {
  const header = response.headers.get('retry-after');
  const retryAfter = header !== null && /^\d+$/.test(header) ? Number(header) : undefined;
  const parsed = parseJson(text);
  const error = isRecord(parsed) && isRecord(parsed.error) ? parsed.error : undefined;
  if (error && typeof error.code === 'string' && typeof error.message === 'string') {
    return new SendcodeError({
      status: response.status,
      // Taken at the server's word: codes are only ever added, so a gateway newer than this client
      // may answer one this union does not list yet (checking would need the table at run time).
      code: error.code as ErrorCode,
      message: error.message,
      details: isRecord(error.details) ? error.details : undefined,
      retryAfter,
    });
  }
  return new SendcodeError({
    status: response.status,
    code: 'unexpected_response',
    message: `HTTP ${response.status} without an API error body`,
    retryAfter,
  });
}

/** JSON.parse that answers undefined for anything that is not JSON. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
