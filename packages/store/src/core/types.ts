import type { ChannelName, PlanStep, ProviderName, VerificationStatus } from '@sendcode/policy';

/**
 * What the store keeps about one verification. Destinations and the code are never held in clear:
 * `sealedCode` and the sealed plan (`NewVerification.sealedPlan`, read with `forDelivery`) are
 * AES-256-GCM blobs made by @sendcode/policy's `seal`, and are deleted as soon as the verification
 * reaches a final status. `codeHash` (HMAC-SHA256) is what checks compare against.
 */
export interface VerificationRecord {
  readonly id: string;
  /** Name of the API client that started it. */
  readonly client: string;
  readonly status: VerificationStatus;
  /** The plan with destinations masked, for answers and timelines. */
  readonly planMasked: readonly PlanStep[];
  /** Sealed code, so workers can deliver and resend it; undefined once final. */
  readonly sealedCode: string | undefined;
  readonly codeHash: string;
  readonly codeLength: number;
  readonly locale: string;
  readonly brand: string;
  readonly purpose: string;
  readonly accountRef: string | undefined;
  readonly ttlSeconds: number;
  /** Epoch milliseconds. */
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly updatedAt: number;
  /** Wrong codes so far. */
  readonly attempts: number;
  readonly maxAttempts: number;
  /** Sends so far (first send, resends and failovers). */
  readonly sends: number;
  /** Index of the plan step most recently sent. */
  readonly step: number;
  /** Channel of that step, for metrics. */
  readonly channel: ChannelName;
  /** Epoch ms of the latest send (the first one, a resend or a failover); resend cooldowns count from it. */
  readonly lastSendAt: number;
  /**
   * Which key sealed `sealedCode` and `sealedPlan` and made `codeHash` (keys rotate); absent for
   * records written before keys had ids.
   */
  readonly keyId?: string;
  /**
   * The first digits of the phone destination (E.164 without '+'), for the fraud guard's conversion
   * tracking; never enough to identify a number. Absent for email.
   */
  readonly numberPrefix?: string;
  /**
   * Admission's keyed hash of the first destination (never the destination): with `client` and
   * `purpose` it names the pending index entry the start claimed, so the workers' reconciler can
   * tell whether a first send it would repair still belongs to the destination's pending
   * verification. Absent on refused starts and on records written before it existed.
   */
  readonly lookupHash?: string;
  /**
   * Set on a start that was refused (`recordRefusal`): such a record is 'failed' from the start, has no
   * code (`codeHash` is empty, `sends` 0, `maxAttempts` 0) and exists so support can see why. It stands
   * for every refusal of its client, destination, reason and rule within one window (`REFUSAL_WINDOW_MS`):
   * `count` of them, the first at `firstAt` (= `createdAt`), the latest at `lastAt` (epoch ms).
   */
  readonly refused?: {
    readonly reason: string;
    readonly count: number;
    readonly firstAt: number;
    readonly lastAt: number;
  };
}

/** Input for `create`: the record as it starts. */
export type NewVerification = Omit<
  VerificationRecord,
  'status' | 'attempts' | 'sends' | 'step' | 'updatedAt' | 'lastSendAt' | 'refused'
> & {
  /**
   * Sealed JSON of the plan with clear destinations. Kept beside the sends (`plan` of the sends
   * document), not in the record: a value this long would cost the record Redis's compact hash encoding.
   */
  readonly sealedPlan: string | undefined;
};

/** What a delivery job reads, in one round trip (`forDelivery`). */
export interface DeliveryView {
  readonly record: VerificationRecord;
  /** The send the job is for; null if there is no such send. */
  readonly send: SendRecord | null;
  /** Sealed plan; undefined once the verification is final. */
  readonly sealedPlan: string | undefined;
}

/**
 * A start that was refused (rate limit, blocked destination...), recorded so support can see why:
 * `recordRefusal` keeps one 'failed' record with one 'refused' event per client, destination
 * (`lookupHash`), `reason` and `rule` within a window, and counts the repeats on it.
 */
export interface RefusedStart {
  readonly client: string;
  /** Keyed hash of the first destination (`lookupHash` of @sendcode/policy): refusals are kept per destination. */
  readonly lookupHash: string;
  /** The plan that would have been sent, destinations masked (at least one step). */
  readonly planMasked: readonly PlanStep[];
  readonly purpose: string;
  readonly accountRef?: string;
  /** Why, e.g. 'rate_limited' | 'destination_blocked' | 'spend_cap'. */
  readonly reason: string;
  /** Which rule within the reason: the limit's scope ('destination', 'ip'...) or the block ('country'...). */
  readonly rule: string;
  /** Safe to show support staff: the limit's scope, retryAfterMs... Never a clear destination. */
  readonly detail: Readonly<Record<string, string | number | boolean>>;
  readonly nowMs: number;
}

/**
 * What `recordRefusal` did: counted the start on the stored refusal `id` (`count` so far, the first of
 * them at `firstAt`; record and timeline are gone by `retainedUntil`, epoch ms), or kept nothing
 * because the client's quota of distinct refusals for this window is used up (`dropped` of them so far).
 */
export type RefusalOutcome =
  | {
      readonly stored: true;
      readonly id: string;
      readonly count: number;
      readonly firstAt: number;
      readonly retainedUntil: number;
    }
  | { readonly stored: false; readonly dropped: number };

/** Timeline event types. Stored in Redis: add, never rename. */
export const EVENT_TYPES = [
  'created',
  'queued',
  'sent',
  'send_failed',
  'delivery_failed',
  'check_valid',
  'check_invalid',
  'approved',
  'locked',
  'expired',
  'canceled',
  'failover',
  'resend',
  'delivered',
  'undelivered',
  'no_receipt',
  'circuit_skipped',
  'refused',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** One line of a verification's timeline. Never holds a code or a clear destination. */
export interface TimelineEvent {
  readonly at: number;
  readonly type: EventType;
  readonly step?: number;
  readonly channel?: ChannelName;
  readonly provider?: ProviderName;
  /** Masked destination. */
  readonly to?: string;
  /** Provider message id, error class, provider error code, attempt number... Safe to show support staff. */
  readonly detail?: Readonly<Record<string, string | number | boolean>>;
}

/** A 'sent' event: it must say which plan step went out, on which channel. */
export type SentEvent = TimelineEvent & {
  readonly type: 'sent';
  readonly step: number;
  readonly channel: ChannelName;
};

/**
 * Result of the atomic check script (`verification/check.lua`). Every wrong code counts against `attempts`,
 * whatever the status, up to `maxAttempts`. `valid: false` with status `approved` is a wrong code after
 * approval, or the right code once the attempts are used up: over for checks, though it was approved.
 */
export type CheckOutcome =
  | { readonly found: false }
  | {
      readonly found: true;
      readonly valid: boolean;
      readonly status: VerificationStatus;
      readonly remainingAttempts: number;
      /** True when this check moved the verification to a final status (for metrics). */
      readonly transitioned: boolean;
      /** The record as it was before this check, read as `get` reads it. */
      readonly record: VerificationRecord;
    };

/** Result of cancel / markFailed: the status after the call, and whether this call changed it. */
export type TransitionOutcome =
  | { readonly found: false }
  | { readonly found: true; readonly status: VerificationStatus; readonly transitioned: boolean };

/**
 * Where one send of a verification stands. `queued` until the provider accepts it, then `delivered` or
 * `undelivered` when a receipt says so; `failed` when the worker gave up on it. Stored in Redis: add,
 * never rename.
 */
export const SEND_STATUSES = ['queued', 'accepted', 'delivered', 'undelivered', 'failed'] as const;
export type SendStatus = (typeof SEND_STATUSES)[number];

/** One send of a verification's code: the first, a resend or a failover. Times are epoch ms. */
export interface SendRecord {
  /** 1 for the first send; the record's `sends` is the latest. */
  readonly send: number;
  /** Plan step it goes to. */
  readonly step: number;
  readonly channel: ChannelName;
  readonly status: SendStatus;
  readonly queuedAt: number;
  readonly provider?: ProviderName;
  readonly providerMessageId?: string;
  readonly acceptedAt?: number;
  /** When a delivery receipt (positive or negative) was recorded. */
  readonly receiptAt?: number;
  /** When the worker gave up on it (`markSendFailed`). */
  readonly failedAt?: number;
}

/** Result of `advance`: the new send's number, or why no send was started (nothing was written). */
export type AdvanceOutcome =
  | { readonly ok: true; readonly send: number }
  | { readonly ok: false; readonly reason: 'gone' }
  | { readonly ok: false; readonly reason: 'not_pending'; readonly status: VerificationStatus }
  | { readonly ok: false; readonly reason: 'expired' | 'superseded' | 'send_limit' }
  | { readonly ok: false; readonly reason: 'cooldown'; readonly retryAfterMs: number };

/** Result of `recordReceipt`. */
export type ReceiptOutcome =
  | {
      readonly result: 'recorded';
      /**
       * An undelivered receipt for the verification's latest send while it is still pending: act on it
       * (fail over). Always false for a delivered one, which has nothing to act on.
       */
      readonly current: boolean;
      /** The send after the receipt. */
      readonly send: SendRecord;
    }
  /** The send already had its outcome (delivered, undelivered, failed): only the claim is written. */
  | { readonly result: 'duplicate' }
  /** The send is still queued (the provider reported before the worker recorded it): nothing written. */
  | { readonly result: 'queued' }
  /** The request's claim was taken before: nothing written. */
  | { readonly result: 'replayed' }
  /** No such verification or send: only the claim is written (when the verification exists). */
  | { readonly result: 'unknown' }
  /** The receipt's provider message id is not the send's: only the claim is written. */
  | { readonly result: 'mismatch' };
