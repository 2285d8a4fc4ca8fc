import type {
  cancelResult,
  channel,
  checkByDestinationBody,
  checkResult,
  createVerificationBody,
  DeepReadonly,
  planStep,
  resendBody,
  timelineEvent,
  verificationStatus,
  verificationView,
} from '@sendcode/contract';
import type { z } from 'zod';

/**
 * The native API's request and response shapes, derived from the schemas of `@sendcode/contract`
 * that the gateway validates with and documents in its OpenAPI document, so they cannot drift.
 * Requests are the schemas' input side (`z.input`: what a caller may send), answers their output.
 * Imported by type only: at run time this package loads neither zod nor the contract. Read-only all
 * the way down: answers are not for editing, and requests accept `as const` literals.
 */

/** How a code travels. */
export type Channel = z.output<typeof channel>;

/** A verification's life: `pending` until it is approved, expires, locks, is canceled or fails. */
export type VerificationStatus = z.output<typeof verificationStatus>;

/** One step of the delivery plan; `to` is masked in every answer. */
export type PlanStep = DeepReadonly<z.output<typeof planStep>>;

/** Body of `POST /v1/verifications`. */
export type CreateVerificationRequest = DeepReadonly<z.input<typeof createVerificationBody>>;

/** One event of a verification's masked timeline. */
export type TimelineEvent = DeepReadonly<z.output<typeof timelineEvent>>;

/** A verification as the API shows it: destinations masked, never the code. */
export type Verification = DeepReadonly<z.output<typeof verificationView>>;

/**
 * Answer of a check, by id or by destination. A wrong code is `valid: false`, not an error, while the
 * verification is pending (or expired, locked, canceled, failed: every wrong code counts, whatever the
 * status). Against an approved verification a wrong code, or the right one once the attempts are used
 * up, throws instead: `verification_not_pending` (409, `details.remainingAttempts`) by id, `not_found`
 * (404) by destination. So `status: 'approved'` always means the code was right.
 */
export type CheckResult = DeepReadonly<z.output<typeof checkResult>>;

/** Body of `POST /v1/verifications/check`. */
export type CheckByDestinationRequest = DeepReadonly<z.input<typeof checkByDestinationBody>>;

/** Body of `POST /v1/verifications/{id}/resend`: the channel of the plan to send on, if not the current. */
export type ResendRequest = DeepReadonly<z.input<typeof resendBody>>;

/** Answer of a cancel: the status after it (a final verification is left as it was). */
export type CancelResult = DeepReadonly<z.output<typeof cancelResult>>;
