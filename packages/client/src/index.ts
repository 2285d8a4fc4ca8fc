/**
 * @sendcode/client — a typed client for Sendcode's native HTTP API (`/v1`), built on fetch, with no
 * dependencies at run time: its types come from `@sendcode/contract` by `import type` only. Errors
 * are `SendcodeError`s carrying the API's `code`, HTTP `status`, `details` and `retryAfter`.
 */
export {
  type CreateOptions,
  createSendcodeClient,
  type SendcodeClient,
  type SendcodeClientOptions,
} from './client.ts';
export { isSendcodeError, SendcodeError, type SendcodeErrorCode } from './errors.ts';
export type * from './types.ts';
