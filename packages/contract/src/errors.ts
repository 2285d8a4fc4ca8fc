import { z } from 'zod';

/**
 * The native API's error codes: each with its HTTP status and the message it is answered with
 * unless the route says more. Codes are part of the API: clients match on them (@sendcode/client
 * types `SendcodeError.code` by `ErrorCode`), so never rename or drop one; adding one without its
 * status and message does not compile. The key order is the order the OpenAPI document lists them.
 */
export const API_ERRORS = {
  invalid_json: { status: 400, message: 'The body is not valid JSON.' },
  validation_failed: { status: 400, message: 'The request is not valid.' },
  invalid_destination: { status: 400, message: 'Not a valid email address or E.164 phone number.' },
  channel_mismatch: {
    status: 400,
    message: 'email goes to an email address; sms and voice go to a phone number.',
  },
  invalid_code_format: { status: 400, message: 'A code is digits only (spaces and hyphens are ignored).' },
  channel_not_in_plan: { status: 400, message: "This verification's plan has no step on that channel." },
  unauthorized: { status: 401, message: 'Missing or invalid API key: send "Authorization: Bearer <key>".' },
  forbidden: { status: 403, message: 'This API key lacks the scope this route needs.' },
  invalid_signature: { status: 403, message: 'The provider signature does not match.' },
  destination_blocked: { status: 403, message: 'Codes are not sent to this destination.' },
  webhook_replayed: { status: 403, message: 'This signed request was already received.' },
  not_found: { status: 404, message: 'No such verification.' },
  method_not_allowed: { status: 405, message: 'This method is not allowed here.' },
  verification_not_pending: { status: 409, message: 'This verification is already over; start a new one.' },
  idempotency_key_in_use: { status: 409, message: 'A request with this Idempotency-Key is still running.' },
  verification_being_created: {
    status: 409,
    message: 'A verification for this destination is being created by another request; retry in a moment.',
  },
  payload_too_large: { status: 413, message: 'The body is too large.' },
  idempotency_key_reused: { status: 422, message: 'This Idempotency-Key was used with a different body.' },
  unsupported_media_type: {
    status: 415,
    message: 'Send a JSON body with "Content-Type: application/json".',
  },
  rate_limited: { status: 429, message: 'Too many requests.' },
  resend_too_soon: { status: 429, message: 'Wait before sending the code again.' },
  max_sends_reached: { status: 429, message: 'This code has been sent as many times as allowed.' },
  internal: { status: 500, message: 'Something went wrong on our side; nothing was changed.' },
  unavailable: { status: 503, message: 'A dependency is unavailable; nothing was changed. Retry.' },
} as const satisfies Record<string, { readonly status: number; readonly message: string }>;

/** A stable error code of the native API. */
export type ErrorCode = keyof typeof API_ERRORS;

/** Every `ErrorCode`, in the table's order. */
export const ERROR_CODES = Object.keys(API_ERRORS) as [ErrorCode, ...ErrorCode[]];

/** Every error answer: `{"error":{"code","message","details"?}}`. */
export const errorBody = z.object({
  error: z.object({
    code: z.enum(ERROR_CODES),
    message: z.string(),
    details: z.record(z.string(), z.unknown()).optional(),
  }),
});
