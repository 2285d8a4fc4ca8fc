import type { DeliveryErrorKind } from '@sendcode/channels/channel';
import type { ChannelName, DestinationFacts, MessageFor, PlanStep, ProviderName } from '@sendcode/policy';
import type { DeliveryJob, VerificationRecord } from '@sendcode/store';
import type { Job } from 'bullmq';
import type { FailedSend, FailoverResult } from '../failover.ts';

/**
 * One send of one plan step, opened and rendered, on its way to the channel's providers. Generic over
 * the channel so the adapters and the rendered message are known to match.
 */
export interface Outgoing<C extends ChannelName> {
  readonly job: Job<DeliveryJob>;
  readonly record: VerificationRecord;
  readonly plan: readonly PlanStep[];
  readonly channel: C;
  /** The destination in clear: for the adapters only, never for a log or the timeline. */
  readonly to: string;
  /** Its masked form and country (`destinationFacts`): for the timeline and the spend charge. */
  readonly facts: DestinationFacts;
  readonly message: MessageFor<C>;
}

/** A provider failure a retry may mend: the next provider is tried, then the job retries. */
export type RetryKind = Exclude<DeliveryErrorKind, 'permanent'>;

/** A provider failure no retry mends: the send gives up at once. */
export type RefusalKind = 'permanent' | 'adapter_error';

/**
 * How a step's send ended, before anything is made of it (`settle` does): the spend charged for it
 * has been given back unless it was `sent`.
 *
 * - `sent`: a provider accepted it (recorded, with its receipt timeout);
 * - `spend_capped`: the client's daily spend cap is reached; nothing was charged, nothing called;
 * - `unconfigured`: the channel has no provider;
 * - `refused`: a provider refused the destination for good, or its adapter broke its contract;
 * - `circuit_open`: every provider's circuit was open and the plan `moved` on without them;
 * - `rate_limited`: every provider called answered "slow down";
 * - `failed`: every provider called failed in a way a retry may mend (`failures`, in call order).
 */
export type StepOutcome =
  | { readonly kind: 'sent'; readonly provider: ProviderName }
  | { readonly kind: 'spend_capped' }
  | { readonly kind: 'unconfigured' }
  | { readonly kind: 'refused'; readonly provider: ProviderName; readonly failure: RefusalKind }
  | { readonly kind: 'circuit_open'; readonly moved: Exclude<FailoverResult, 'exhausted'> }
  | { readonly kind: 'rate_limited' }
  | { readonly kind: 'failed'; readonly failures: readonly RetryKind[] };

/** The job's attempt at this send, counted from 1, as the timeline shows it. */
export function attemptOf<C extends ChannelName>(out: Outgoing<C>): number {
  return out.job.attemptsMade + 1;
}

/** The send as failover knows it. */
export function failedSend<C extends ChannelName>(out: Outgoing<C>): FailedSend {
  const { verificationId, send, step } = out.job.data;
  return { verificationId, send, step, channel: out.channel };
}

/** Where a timeline event of this send happened: step, channel, provider and the masked destination. */
export function whereOf<C extends ChannelName>(out: Outgoing<C>, provider: ProviderName) {
  return { step: out.job.data.step, channel: out.channel, provider, to: out.facts.masked } as const;
}
