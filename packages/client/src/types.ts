/**
 * The native API's request and response shapes, written by hand so this package has no dependencies.
 * They are tested against the live gateway and against the OpenAPI document it serves (which is
 * generated from the gateway's own schemas), so a drift fails a test rather than a caller.
 */

/** How a code travels. */
export type Channel = 'sms' | 'voice' | 'email';

/** A verification's life: `pending` until it is approved, expires, locks, is canceled or fails. */
export type VerificationStatus = 'pending' | 'approved' | 'expired' | 'locked' | 'canceled' | 'failed';

/** One step of the delivery plan; `to` is masked in every answer. */
export interface PlanStep {
  readonly channel: Channel;
  readonly to: string;
}

/** Body of `POST /v1/verifications`. */
export interface CreateVerificationRequest {
  /** E.164 phone number (`+819012345678`) or email address. */
  readonly to: string;
  /** Default: email for addresses, sms for phones. */
  readonly channel?: Channel;
  /** Where to fail over to (explicit opt-in), in order. At most 4. */
  readonly fallbacks?: readonly { readonly to: string; readonly channel?: Channel }[];
  /** BCP 47 tag, e.g. `ja`, `en-GB`. */
  readonly locale?: string;
  readonly brand?: string;
  /** Lower-case snake_case; default `sign_in`. */
  readonly purpose?: string;
  /** 4-10, default 6. */
  readonly codeLength?: number;
  /** 60-86400, default 600. */
  readonly ttlSeconds?: number;
  readonly accountRef?: string;
  readonly endUserIp?: string;
}

/** One event of a verification's masked timeline. */
export interface TimelineEvent {
  readonly type: string;
  /** ISO 8601. */
  readonly at: string;
  readonly channel?: Channel;
  readonly provider?: string;
  readonly to?: string;
  readonly [field: string]: unknown;
}

/** A verification as the API shows it: destinations masked, never the code. */
export interface Verification {
  /** `ver_` + 32 hex digits. */
  readonly id: string;
  readonly status: VerificationStatus;
  /** Channel of the latest send. */
  readonly channel: Channel;
  /** Masked destination of the latest send. */
  readonly to: string;
  readonly plan: readonly PlanStep[];
  readonly purpose: string;
  /** ISO 8601. */
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly remainingAttempts: number;
  readonly sends: number;
  /** On create: e.g. `carrier_mail_domain`. */
  readonly warnings?: readonly string[];
  /** On get. */
  readonly timeline?: readonly TimelineEvent[];
}

/**
 * Answer of a check, by id or by destination. A wrong code is `valid: false`, not an error, while the
 * verification is pending (or expired, locked, canceled, failed: every wrong code counts, whatever the
 * status). Against an approved verification a wrong code, or the right one once the attempts are used
 * up, throws instead: `verification_not_pending` (409, `details.remainingAttempts`) by id, `not_found`
 * (404) by destination. So `status: 'approved'` always means the code was right.
 */
export interface CheckResult {
  readonly id: string;
  readonly valid: boolean;
  readonly status: VerificationStatus;
  readonly remainingAttempts: number;
}

/** Body of `POST /v1/verifications/check`. */
export interface CheckByDestinationRequest {
  readonly to: string;
  readonly code: string;
  /** Default `sign_in`. */
  readonly purpose?: string;
}

/** Answer of a cancel: the status after it (a final verification is left as it was). */
export interface CancelResult {
  readonly id: string;
  readonly status: VerificationStatus;
}
