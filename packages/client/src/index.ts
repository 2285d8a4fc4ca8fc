/**
 * @sendcode/client — a typed client for Sendcode's native HTTP API (`/v1`), built on fetch, with no
 * dependencies. Errors are `SendcodeError`s carrying the API's `code`, HTTP `status`, `details` and
 * `retryAfter`.
 */
export {
  type CreateOptions,
  createSendcodeClient,
  type SendcodeClient,
  type SendcodeClientOptions,
} from './client.ts';
export { isSendcodeError, SendcodeError } from './errors.ts';
export type * from './types.ts';
