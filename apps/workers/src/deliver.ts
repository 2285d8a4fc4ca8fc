import { type DeliveryErrorKind, isDeliveryError } from '@sendcode/channels';
import {
  type ChannelName,
  type DerivedKeys,
  type MessageContext,
  maskDestination,
  open,
  type PlanStep,
  renderMessage,
} from '@sendcode/policy';
import type { Logger } from '@sendcode/runtime';
import type { DeliveryJob, VerificationStore } from '@sendcode/store';
import { type Job, UnrecoverableError } from 'bullmq';
import type { SendResultLabel, WorkerMetrics } from './metrics.ts';
import type { ChannelSet } from './providers.ts';

export interface DeliveryDeps {
  readonly store: VerificationStore;
  readonly keys: DerivedKeys;
  readonly channels: ChannelSet;
  readonly metrics: WorkerMetrics;
  readonly logger: Logger;
  readonly now: () => number;
}

const RESULT_LABEL: Record<DeliveryErrorKind, SendResultLabel> = {
  retryable: 'retryable_error',
  rate_limited: 'retryable_error',
  permanent: 'permanent_error',
  blocked: 'permanent_error',
};

/**
 * The delivery job processor: load the verification, render the message for the job's plan step,
 * hand it to the channel's first provider and record what happened on the timeline.
 *
 * A retryable error is rethrown so BullMQ retries it with backoff; a permanent one, or the last
 * attempt, marks the verification failed with its reason and stops retrying with
 * `UnrecoverableError`. (Failover to other providers and plan steps is the delivery engine's job.)
 */
export function createDeliveryProcessor(deps: DeliveryDeps) {
  const { store, keys, metrics, logger } = deps;

  /** Generic over the channel so the adapter and the rendered message are known to match. */
  async function send<C extends ChannelName>(
    job: Job<DeliveryJob>,
    channel: C,
    to: string,
    context: MessageContext,
  ) {
    const { verificationId, step } = job.data;
    const adapter = deps.channels[channel][0];
    if (!adapter) {
      await store.markFailed(verificationId, deps.now(), { reason: 'no_provider', channel });
      throw new UnrecoverableError(`no provider configured for ${channel}`);
    }
    const where = { step, channel, provider: adapter.provider, to: maskDestination(to) } as const;
    const attempt = job.attemptsMade + 1;
    try {
      const message = renderMessage(channel, context);
      const sent = await adapter.send({ to, message, reference: `${verificationId}:${step}` });
      metrics.attempt(channel, adapter.provider, 'ok');
      metrics.sent(channel, adapter.provider, (deps.now() - job.timestamp) / 1000);
      const detail = { providerMessageId: sent.providerMessageId, attempt };
      await store.recordSent(verificationId, { type: 'sent', at: deps.now(), ...where, detail });
    } catch (error) {
      const kind: DeliveryErrorKind = isDeliveryError(error) ? error.kind : 'retryable';
      const providerCode = isDeliveryError(error) ? error.providerCode : undefined;
      const final = kind === 'permanent' || kind === 'blocked' || attempt >= (job.opts.attempts ?? 1);
      metrics.attempt(channel, adapter.provider, RESULT_LABEL[kind]);
      logger.warn(
        { verificationId, step, channel, provider: adapter.provider, kind, providerCode, attempt, final },
        'send failed',
      );
      const detail = { kind, attempt, final, ...(providerCode ? { providerCode } : {}) };
      await store.appendEvent(verificationId, { type: 'send_failed', at: deps.now(), ...where, detail });
      if (!final) throw error;
      metrics.failed(channel, adapter.provider);
      await store.markFailed(verificationId, deps.now(), { reason: kind, provider: adapter.provider });
      throw new UnrecoverableError(`${adapter.provider} ${channel}: ${kind}`);
    }
  }

  return async function deliver(job: Job<DeliveryJob>): Promise<void> {
    const { verificationId, step } = job.data;
    const record = await store.get(verificationId, deps.now());
    if (record?.status !== 'pending' || !record.sealedPlan || !record.sealedCode) {
      logger.info({ verificationId, status: record?.status ?? 'gone' }, 'nothing to send');
      return;
    }
    const plan = JSON.parse(open(keys.seal, record.sealedPlan)) as PlanStep[];
    const target = plan[step];
    if (!target) throw new UnrecoverableError(`plan has no step ${step}`);
    await send(job, target.channel, target.to, {
      code: open(keys.seal, record.sealedCode),
      brand: record.brand,
      locale: record.locale,
      ttlSeconds: record.ttlSeconds,
      purpose: record.purpose,
    });
  };
}
