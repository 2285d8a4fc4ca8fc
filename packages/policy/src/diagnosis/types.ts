import type { ProviderName } from '../providers.ts';
import type { ChannelName, VerificationStatus } from '../types.ts';

/**
 * What `diagnose` reads: a verification as the store keeps it, reduced to the fields a diagnosis needs.
 * Declared here (policy depends on nothing of ours), so the store's records fit it structurally.
 */
export interface DiagnosisInput {
  readonly status: VerificationStatus;
  /**
   * Set on a start that was refused: `rate_limited` or `destination_blocked`, and how many starts
   * this one record stands for (repeats within the hour are counted, not stored; 1 when absent).
   */
  readonly refused?: { readonly reason: string; readonly count?: number };
  readonly sends: readonly DiagnosisSend[];
  /** Timeline events, oldest first. */
  readonly timeline: readonly DiagnosisEvent[];
  /** Destination warnings, e.g. `carrier_mail_domain`, `fixed_line_voice`. */
  readonly warnings?: readonly string[];
  /** Epoch ms. */
  readonly now: number;
  readonly expiresAt: number;
  /** Wrong codes so far, and how many lock the verification. */
  readonly attempts: number;
  readonly maxAttempts: number;
}

/** One send of the code, as the store's `SendRecord`. */
export interface DiagnosisSend {
  readonly channel: ChannelName;
  readonly status: 'queued' | 'accepted' | 'delivered' | 'undelivered' | 'failed';
  readonly provider?: ProviderName;
}

/** One timeline event, as the store's `TimelineEvent`. */
export interface DiagnosisEvent {
  readonly type: string;
  readonly channel?: ChannelName;
  readonly provider?: ProviderName;
  readonly detail?: Readonly<Record<string, string | number | boolean>>;
}

/** What happened, as one code. Shown to support staff and matched by tests: add, never rename. */
export const DIAGNOSIS_CODES = [
  'rate_limited',
  'fraud_blocked',
  'locked',
  'expired_unused',
  'canceled',
  'delivery_failed',
  'code_unreadable',
  'message_unrenderable',
  'adapter_error',
  'carrier_mail_rejected',
  'no_receipt_next_channel',
  'undelivered_next_channel',
  'providers_failing_next_channel',
  'provider_outage',
  'failed_over',
  'fixed_line_called',
  'routed_around_provider',
  'approved',
  'delivered',
  'pending',
] as const;
export type DiagnosisCode = (typeof DIAGNOSIS_CODES)[number];

/** A diagnosis in one language: what happened, and what support should do about it. */
export interface DiagnosisText {
  readonly summary: string;
  readonly suggestion: string;
}

/** The result of `diagnose`: one code, explained in English and Japanese. */
export interface Diagnosis {
  readonly code: DiagnosisCode;
  readonly en: DiagnosisText;
  readonly ja: DiagnosisText;
}

/** The facts a rule and its wording use, derived once from the input. */
export interface DiagnosisFacts {
  readonly status: VerificationStatus;
  /** Channel of the first send, and of the last one accepted by a provider (else the last tried). */
  readonly firstChannel: ChannelName | undefined;
  readonly lastChannel: ChannelName | undefined;
  /** For a refused start: the limit's scope or the block reason. */
  readonly scope: string | undefined;
  readonly block: string | undefined;
  /** For a refused start: how many starts were refused (1 or more); 0 otherwise. */
  readonly refusals: number;
  readonly attempts: number;
  readonly maxAttempts: number;
  /** Minutes left before expiry (0 when past). */
  readonly minutesLeft: number;
  /** Whether a receipt said the last send was delivered. */
  readonly delivered: boolean;
  /**
   * When the last send went through a provider chosen because the one before it was not delivering
   * (its `sent` event's `routedAround`): the provider passed over, and the one that sent.
   */
  readonly routedAround: ProviderName | undefined;
  readonly routedVia: ProviderName | undefined;
}
