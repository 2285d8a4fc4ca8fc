import type { ChannelName, PlanStep, ProviderName, VerificationStatus } from '@sendcode/policy';

/**
 * What the store keeps about one verification. Destinations and the code are never held in clear:
 * `sealedPlan` and `sealedCode` are AES-256-GCM blobs made by @sendcode/policy's `seal`, and are
 * deleted as soon as the verification reaches a final status. `codeHash` (HMAC-SHA256) is what checks
 * compare against.
 */
export interface VerificationRecord {
  readonly id: string;
  /** Name of the API client that started it. */
  readonly client: string;
  readonly status: VerificationStatus;
  /** The plan with destinations masked, for answers and timelines. */
  readonly planMasked: readonly PlanStep[];
  /** Sealed JSON of the plan with clear destinations; undefined once final. */
  readonly sealedPlan: string | undefined;
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
}

/** Input for `create`: the record as it starts. */
export type NewVerification = Omit<
  VerificationRecord,
  'status' | 'attempts' | 'sends' | 'step' | 'updatedAt'
>;

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

/** Result of the atomic check script. */
export type CheckOutcome =
  | { readonly found: false }
  | {
      readonly found: true;
      readonly valid: boolean;
      readonly status: VerificationStatus;
      readonly remainingAttempts: number;
      /** True when this check moved the verification to a final status (for metrics). */
      readonly transitioned: boolean;
      /** Channel of the step last sent, for metrics. */
      readonly channel: ChannelName;
      readonly createdAt: number;
    };

/** Result of cancel / markFailed: the status after the call, and whether this call changed it. */
export type TransitionOutcome =
  | { readonly found: false }
  | { readonly found: true; readonly status: VerificationStatus; readonly transitioned: boolean };
