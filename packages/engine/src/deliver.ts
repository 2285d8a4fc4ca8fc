import { type Channel, type DeliveryErrorKind, isDeliveryError } from '@sendcode/channels';
import {
  type ChannelName,
  canRetry,
  type MessageContext,
  maskDestination,
  open,
  type PlanStep,
  renderMessage,
} from '@sendcode/policy';
import { BACKOFF_JITTER, type DeliveryJob } from '@sendcode/store';
import { type Job, RateLimitError, UnrecoverableError } from 'bullmq';
import { sendReference, statusCallbackUrl } from './callbacks.ts';
import type { SenderDeps } from './deps.ts';
import { type FailedSend, failover } from './failover.ts';
import type { SendResultLabel } from './metrics.ts';

const RESULT_LABEL: Record<DeliveryErrorKind, SendResultLabel> = {
  retryable: 'retryable_error',
  rate_limited: 'retryable_error',
  permanent: 'permanent_error',
  blocked: 'permanent_error',
};

/** How long a channel's queue pauses when every provider answered "slow down". */
const RATE_LIMIT_PAUSE_MS = 1_000;

/**
 * The delivery job processor. For one send of one verification it tries the channel's providers in
 * order, skipping any whose circuit is open, and stops at the first that accepts:
 *
 * - `permanent` (the destination cannot take this channel) → next plan step at once; trying another
 *   provider would only pay twice for the same refusal;
 * - `retryable` or `blocked` → the next provider; when all have failed, BullMQ retries the job with
 *   backoff while a retry still fits in the code's lifetime, then the plan moves on;
 * - `rate_limited` from every provider → the queue pauses without spending an attempt;
 * - every circuit open → the plan moves on (or waits for a probe when it has nowhere to go).
 *
 * A job that runs again after its send was accepted (stalled, or retried after a crash) sends nothing:
 * the send is `accepted` in the store. The one remaining window is a crash after the provider accepted
 * and before `markAccepted` ran: that send goes out twice, with the same code.
 */
export function createDeliveryProcessor(deps: SenderDeps) {
  const { store, keys, logger } = deps;

  return async function deliver(job: Job<DeliveryJob>): Promise<void> {
    const { verificationId, send } = job.data;
    const record = await store.get(verificationId, deps.now());
    if (record?.status !== 'pending' || !record.sealedPlan || !record.sealedCode) {
      logger.debug({ verificationId, status: record?.status ?? 'gone' }, 'nothing to send');
      return;
    }
    if (record.sends !== send || (await store.getSend(verificationId, send))?.status !== 'queued') {
      logger.debug({ verificationId, send }, 'send superseded or already accepted');
      return;
    }
    const plan = JSON.parse(open(keys.seal, record.sealedPlan)) as PlanStep[];
    const target = plan[job.data.step];
    if (!target) throw new UnrecoverableError(`plan has no step ${job.data.step}`);
    const context: MessageContext = {
      code: open(keys.seal, record.sealedCode),
      brand: record.brand,
      locale: record.locale,
      ttlSeconds: record.ttlSeconds,
      purpose: record.purpose,
    };
    await sendStep(deps, job, target.channel, target.to, context, record.expiresAt);
  };
}

/** Generic over the channel so the adapters and the rendered message are known to match. */
async function sendStep<C extends ChannelName>(
  deps: SenderDeps,
  job: Job<DeliveryJob>,
  channel: C,
  to: string,
  context: MessageContext,
  expiresAt: number,
): Promise<void> {
  const { store, circuit, metrics, config } = deps;
  const { verificationId, step, send } = job.data;
  const failed: FailedSend = { verificationId, send, step, channel };
  const attempt = job.attemptsMade + 1;
  const message = renderMessage(channel, context);
  const reference = sendReference(verificationId, send);
  const kinds: DeliveryErrorKind[] = [];

  const adapters = deps.channels[channel] as readonly Channel<C>[];
  for (const adapter of adapters) {
    const provider = adapter.provider;
    const breaker = `${provider}:${channel}` as const;
    const where = { step, channel, provider, to: maskDestination(to) } as const;
    const gate = await circuit.allow(breaker, deps.now());
    if (!gate.allowed) {
      await store.appendEvent(verificationId, {
        type: 'circuit_skipped',
        at: deps.now(),
        ...where,
        detail: { attempt },
      });
      continue;
    }
    const callback = statusCallbackUrl(config.publicUrl, provider, channel, reference);
    const delivery = { to, message, reference, ...(callback ? { statusCallbackUrl: callback } : {}) };
    const sent = await adapter.send(delivery).catch((error: unknown) => error as Error);
    if (!(sent instanceof Error)) {
      // Record first: from here on a re-run of this job sends nothing, and receipts can match.
      const recorded = await store.markAccepted(verificationId, send, {
        type: 'sent',
        at: deps.now(),
        ...where,
        detail: { providerMessageId: sent.providerMessageId, attempt },
      });
      await circuit.record(breaker, 'success', deps.now());
      metrics.attempt(channel, provider, 'ok');
      metrics.delivery(channel, provider, 'sent', (deps.now() - job.timestamp) / 1000);
      const timeoutMs = receiptTimeoutMs(config, channel);
      if (recorded === 'recorded' && callback && timeoutMs) {
        await deps.queues.addReceiptTimeout(job.data, timeoutMs);
      }
      return;
    }

    const kind: DeliveryErrorKind = isDeliveryError(sent) ? sent.kind : 'retryable';
    const providerCode = isDeliveryError(sent) ? sent.providerCode : undefined;
    kinds.push(kind);
    metrics.attempt(channel, provider, RESULT_LABEL[kind]);
    // A refused destination says nothing about the provider's health; a 429 is not an outage.
    if (kind === 'retryable' || kind === 'blocked') await circuit.record(breaker, 'failure', deps.now());
    else if (kind === 'permanent') await circuit.record(breaker, 'success', deps.now());
    deps.logger.warn({ verificationId, send, channel, provider, kind, providerCode, attempt }, 'send failed');
    const detail = { kind, attempt, ...(providerCode ? { providerCode } : {}) };
    await store.appendEvent(verificationId, { type: 'send_failed', at: deps.now(), ...where, detail });
    if (kind === 'permanent') {
      metrics.delivery(channel, provider, 'failed');
      await store.markSendFailed(verificationId, send, deps.now());
      await failover(deps, failed, 'permanent_error', { failWhenExhausted: true });
      throw new UnrecoverableError(`${provider} ${channel}: permanent error`);
    }
    if (adapter !== adapters.at(-1)) metrics.failover(channel, channel, 'provider_error');
  }

  if (kinds.length > 0 && kinds.every((kind) => kind === 'rate_limited')) {
    await deps.rateLimit(channel, RATE_LIMIT_PAUSE_MS);
    throw new RateLimitError();
  }
  const retry = canRetry({
    attempt,
    maxAttempts: job.opts.attempts ?? 1,
    backoffMs: config.retry.backoffMs,
    jitter: BACKOFF_JITTER,
    now: deps.now(),
    expiresAt,
  });
  if (kinds.length === 0) {
    // Every provider's circuit is open: move on now if the plan has somewhere to go, else wait for a probe.
    const moved = await failover(deps, failed, 'circuit_open', { failWhenExhausted: !retry });
    if (moved === 'advanced' || !retry)
      throw new UnrecoverableError(`${channel}: every provider's circuit is open`);
    throw new Error(`${channel}: every provider's circuit is open; retrying after the cooldown`);
  }
  if (retry) throw new Error(`${channel}: every provider failed (${kinds.join(', ')}); retrying`);
  await store.markSendFailed(verificationId, send, deps.now());
  await failover(deps, failed, 'retries_exhausted', { failWhenExhausted: true });
  throw new UnrecoverableError(`${channel}: retries exhausted`);
}

function receiptTimeoutMs(config: SenderDeps['config'], channel: ChannelName): number | undefined {
  return channel === 'email' ? undefined : config.receiptTimeoutMs[channel];
}
