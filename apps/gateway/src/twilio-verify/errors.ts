import type { ErrorCode } from '@sendcode/contract';
import { isRedisUnavailable } from '@sendcode/store';
import type { ErrorRequestHandler } from 'express';
import type { GatewayDeps } from '../deps.ts';
import { isApiError } from '../errors.ts';

/** A Twilio error code with the HTTP status Twilio answers it with. */
interface TwilioCode {
  readonly code: number;
  readonly status: number;
}

const INVALID_PARAMETER = { code: 60200, status: 400 } as const;
const MAX_SEND_ATTEMPTS = { code: 60203, status: 429 } as const;
const NOT_FOUND = { code: 20404, status: 404 } as const;

/**
 * Our error codes as Twilio Verify reports them. A `Record` over every `ErrorCode`, so a new native
 * code does not compile until it has a Twilio equivalent here.
 */
export const TWILIO_CODES: Record<ErrorCode, TwilioCode> = {
  invalid_json: INVALID_PARAMETER,
  validation_failed: INVALID_PARAMETER,
  invalid_destination: INVALID_PARAMETER,
  channel_mismatch: INVALID_PARAMETER,
  invalid_code_format: INVALID_PARAMETER,
  channel_not_in_plan: INVALID_PARAMETER,
  payload_too_large: INVALID_PARAMETER,
  unsupported_media_type: INVALID_PARAMETER,
  unauthorized: { code: 20003, status: 401 },
  forbidden: { code: 20003, status: 403 },
  invalid_signature: { code: 20003, status: 403 },
  webhook_replayed: { code: 20003, status: 403 },
  // Twilio's "Verification delivery attempt blocked" (Fraud Guard, geo permissions).
  destination_blocked: { code: 60410, status: 403 },
  not_found: NOT_FOUND,
  // Twilio answers 404 for a verification that is no longer pending (canceling an approved one...).
  verification_not_pending: NOT_FOUND,
  method_not_allowed: { code: 20004, status: 405 },
  idempotency_key_in_use: { code: 20409, status: 409 },
  // Twilio's 20409 "Conflict": a concurrent request for the same destination is creating it.
  verification_being_created: { code: 20409, status: 409 },
  idempotency_key_reused: INVALID_PARAMETER,
  rate_limited: MAX_SEND_ATTEMPTS,
  resend_too_soon: MAX_SEND_ATTEMPTS,
  max_sends_reached: MAX_SEND_ATTEMPTS,
  internal: { code: 20500, status: 500 },
  unavailable: { code: 20503, status: 503 },
};

/** An error that only exists in Twilio's vocabulary, e.g. 60202 "Max check attempts reached". */
export class TwilioVerifyError extends Error {
  override readonly name = 'TwilioVerifyError';
  constructor(
    readonly code: number,
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** 60202: checking a verification that is locked after too many wrong codes. */
export const maxCheckAttempts = () => new TwilioVerifyError(60202, 429, 'Max check attempts reached');

/** 60200 for a parameter Twilio would reject, naming it. */
export const invalidParameter = (name: string, message: string) =>
  new TwilioVerifyError(60200, 400, `Invalid parameter \`${name}\`: ${message}`);

/** 20404, Twilio's wording. */
export const notFound = (path: string) =>
  new TwilioVerifyError(20404, 404, `The requested resource ${path} was not found`);

/**
 * Answers errors in Twilio's shape, `{ code, message, more_info, status }`, which the `twilio` client
 * turns into a `RestException` carrying `code` and `status`. 429s keep our `Retry-After`.
 */
export function twilioErrorHandler(deps: Pick<GatewayDeps, 'logger'>): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    let answer: { code: number; status: number; message: string };
    if (error instanceof TwilioVerifyError) {
      answer = { code: error.code, status: error.status, message: error.message };
    } else if (isApiError(error)) {
      answer = { ...TWILIO_CODES[error.code], message: error.message };
      if (error.retryAfter !== undefined) res.set('Retry-After', String(error.retryAfter));
    } else if (isRedisUnavailable(error)) {
      res.set('Retry-After', '1');
      answer = { code: 20503, status: 503, message: 'Service unavailable; nothing was changed. Retry.' };
    } else if (isParserError(error)) {
      answer = { ...INVALID_PARAMETER, message: 'The body is not a valid form-encoded request.' };
    } else {
      deps.logger.error({ err: error, method: req.method }, 'twilio-compatible request failed');
      answer = { code: 20500, status: 500, message: 'Internal server error' };
    }
    res.status(answer.status).json({
      code: answer.code,
      message: answer.message,
      more_info: `https://www.twilio.com/docs/errors/${answer.code}`,
      status: answer.status,
    });
  };
}

function isParserError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'type' in error && 'status' in error;
}
