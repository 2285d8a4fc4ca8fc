/**
 * @sendcode/contract — the native /v1 API written once, as tRPC derives its client from the router:
 * the request and response zod schemas and the error-code table. The gateway validates with these
 * schemas and answers with the table, its OpenAPI document is generated from them, and
 * @sendcode/client derives its types from them by `import type` only, so the client loads neither
 * zod nor this package at run time. The Twilio Verify-compatible /v2 API is Twilio's contract, not
 * ours: it stays in the gateway, translated onto these bodies.
 */
/** For types derived from these schemas, read-only all the way down (as @sendcode/client does). */
export type { DeepReadonly } from '@sendcode/policy';
export { API_ERRORS, ERROR_CODES, type ErrorCode, errorBody } from './errors.ts';
export {
  type CreateVerificationBody,
  checkBody,
  checkByDestinationBody,
  createVerificationBody,
  resendBody,
} from './requests.ts';
export { cancelResult, checkResult, planStep, timelineEvent, verificationView } from './responses.ts';
export { channel, verificationId, verificationStatus } from './values.ts';
