import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';

/** Vonage's error body (RFC 7807 style), as the Voice API and newer APIs answer errors. */
export function vonageProblem(status: number, kind: string, detail: string, extra: object = {}) {
  return {
    type: `https://developer.nexmo.com/api-errors#${kind}`,
    title: STATUS_CODES[status] ?? 'Error',
    detail,
    ...extra,
    instance: randomUUID(),
  };
}

/** The Voice API's 400 for a request whose parameters do not validate. */
export function vonageValidationProblem(invalid: readonly string[]) {
  return vonageProblem(400, 'validation', 'The request failed due to validation errors', {
    invalid_parameters: invalid.map((name) => ({ name, reason: 'Invalid value' })),
  });
}

/** The SMS API's answer: HTTP 200 whatever happened, one message with its status. */
export function vonageSmsRefusal(status: string, errorText: string) {
  return { 'message-count': '1', messages: [{ status, 'error-text': errorText }] };
}
