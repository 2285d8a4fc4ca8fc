import { type Channel, type DeliveryErrorKind, isDeliveryError } from '@sendcode/channels';
import {
  type ChannelName,
  canRetry,
  clientSettings,
  emailFailoverMs,
  type MessageContext,
  maskDestination,
  openWith,
  type PlanStep,
  parseDestination,
  renderMessage,
  sendCost,
} from '@sendcode/policy';
import { BACKOFF_JITTER, type DeliveryJob, spendDay, type VerificationRecord } from '@sendcode/store';
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
 * - every circuit open → the plan moves on; with nowhere to go, the providers are called anyway.
 *
 * SMS and calls are charged to the client's daily spend before the first provider is called (and
 * refunded if none accepts); a client over its cap gets nothing more sent that day.
 *
 * A job that runs again after its send was accepted (stalled, or retried after a crash) sends nothing:
 * the send is `accepted` in the store. The one remaining window is a crash after the provider accepted
 * and before `markAccepted` ran: that send goes out twice, with the same code.
 */
export function createDeliveryProcessor(deps: SenderDeps) {
  const { store, ring, logger, config } = deps;

  return async function deliver(job: Job<DeliveryJob>): Promise<void> {
    const { verificationId, send } = job.data;
    // Perf (bench/README.md): the record, the send and the sealed plan come in one round trip.
    const view = await store.forDelivery(verificationId, send, deps.now());
    const record = view?.record;
    if (record?.status !== 'pending' || !view?.sealedPlan || !record.sealedCode) {
      logger.debug({ verificationId, status: record?.status ?? 'gone' }, 'nothing to send');
      return;
    }
    if (record.sends !== send || view.send?.status !== 'queued') {
      logger.debug({ verificationId, send }, 'send superseded or already accepted');
      return;
    }
    const plan = JSON.parse(openWith(ring, view.sealedPlan, { verificationId, field: 'plan' })) as PlanStep[];
    const target = plan[job.data.step];
    if (!target) throw new UnrecoverableError(`plan has no step ${job.data.step}`);
    const templates = clientSettings(config.settings, record.client).templates;
    const context: MessageContext = {
      code: openWith(ring, record.sealedCode, { verificationId, field: 'code' }),
      brand: record.brand,
      locale: record.locale,
      ttlSeconds: Math.max(1, Math.floor((record.expiresAt - deps.now()) / 1000)),
      purpose: record.purpose,
      senderName: templates.senderName,
      webOtpOrigin: templates.webOtpOrigin,
      url: templates.url,
    };
    await sendStep(deps, job, record, plan, target.channel, target.to, context);
  };
}

/** Generic over the channel so the adapters and the rendered message are known to match. */
async function sendStep<C extends ChannelName>(
  deps: SenderDeps,
  job: Job<DeliveryJob>,
  record: VerificationRecord,
  plan: readonly PlanStep[],
  channel: C,
  to: string,
  context: MessageContext,
): Promise<void> {
  const { store, circuit, metrics, config } = deps;
  const { verificationId, step, send } = job.data;
  const failed: FailedSend = { verificationId, send, step, channel };
  const attempt = job.attemptsMade + 1;
  const message = renderMessage(channel, context);
  const reference = sendReference(verificationId, send);
  const charge = await chargeSpend(deps, record, channel, to);
  if (!charge) {
    await store.appendEvent(verificationId, {
      type: 'send_failed',
      at: deps.now(),
      step,
      channel,
      to: maskDestination(to),
      detail: { kind: 'spend_cap', attempt },
    });
    const outcome = await store.markFailed(verificationId, deps.now(), {
      reason: 'spend_cap',
      step,
      channel,
    });
    if (outcome.found && outcome.transitioned) metrics.completed('failed');
    throw new UnrecoverableError(`${channel}: the client's daily spend cap is reached`);
  }

  /** One provider call: 'sent', 'skipped' (open circuit, unless forced) or the error's kind. */
  const attemptOn = async (
    adapter: Channel<C>,
    force: boolean,
  ): Promise<'sent' | 'skipped' | DeliveryErrorKind> => {
    const provider = adapter.provider;
    const breaker = `${provider}:${channel}` as const;
    const where = { step, channel, provider, to: maskDestination(to) } as const;
    if (!force && !(await circuit.allow(breaker, deps.now())).allowed) {
      await store.appendEvent(verificationId, {
        type: 'circuit_skipped',
        at: deps.now(),
        ...where,
        detail: { attempt },
      });
      return 'skipped';
    }
    const callback = statusCallbackUrl(config.publicUrl, provider, channel, reference);
    const delivery = { to, message, reference, ...(callback ? { statusCallbackUrl: callback } : {}) };
    const sent = await adapter.send(delivery).catch((error: unknown) => error as Error);
    if (!(sent instanceof Error)) {
      // Record first: from here on a re-run of this job sends nothing, and receipts can match.
      // Perf: the circuit's success and the receipt timeout go out with markAccepted (one round trip,
      // not three); Redis still runs markAccepted first, as all share one connection and it is sent
      // first. The timeout needs no reply of markAccepted: should the send not be recorded after all
      // (gone, or accepted by a racing run), its entry is a no-op when it comes due.
      const waitMs = receiptWaitMs(deps, channel, callback, plan, step);
      await Promise.all([
        store.markAccepted(verificationId, send, {
          type: 'sent',
          at: deps.now(),
          ...where,
          detail: { providerMessageId: sent.providerMessageId, attempt },
        }),
        circuit.record(breaker, 'success', deps.now()),
        waitMs === undefined ? undefined : deps.receiptDue.schedule(job.data, deps.now() + waitMs),
      ]);
      metrics.attempt(channel, provider, 'ok');
      metrics.delivery(channel, provider, 'sent', (deps.now() - job.timestamp) / 1000);
      return 'sent';
    }

    const kind: DeliveryErrorKind = isDeliveryError(sent) ? sent.kind : 'retryable';
    const providerCode = isDeliveryError(sent) ? sent.providerCode : undefined;
    metrics.attempt(channel, provider, RESULT_LABEL[kind]);
    // A refused destination says nothing about the provider's health; a 429 is not an outage.
    if (kind === 'retryable' || kind === 'blocked') await circuit.record(breaker, 'failure', deps.now());
    else if (kind === 'permanent') await circuit.record(breaker, 'success', deps.now());
    deps.logger.warn({ verificationId, send, channel, provider, kind, providerCode, attempt }, 'send failed');
    const detail = { kind, attempt, ...(providerCode ? { providerCode } : {}) };
    await store.appendEvent(verificationId, { type: 'send_failed', at: deps.now(), ...where, detail });
    if (kind === 'permanent') {
      await charge.refund();
      metrics.delivery(channel, provider, 'failed');
      await store.markSendFailed(verificationId, send, deps.now());
      await failover(deps, failed, 'permanent_error', { failWhenExhausted: true });
      throw new UnrecoverableError(`${provider} ${channel}: permanent error`);
    }
    if (adapter !== adapters.at(-1)) metrics.failover(channel, channel, 'provider_error');
    return kind;
  };

  const adapters = deps.channels[channel] as readonly Channel<C>[];
  if (adapters.length === 0) {
    await charge.refund();
    await failover(deps, failed, 'circuit_open', { failWhenExhausted: true });
    throw new UnrecoverableError(`${channel}: no provider is configured`);
  }
  const kinds: DeliveryErrorKind[] = [];
  const tryAll = async (force: boolean) => {
    for (const adapter of adapters) {
      const result = await attemptOn(adapter, force);
      if (result === 'sent') return true;
      if (result !== 'skipped') kinds.push(result);
    }
    return false;
  };
  if (await tryAll(false)) return;
  if (kinds.length === 0) {
    // Every provider's circuit is open. Move on if the plan has somewhere to go. If it has not, a
    // breaker that routes around nothing would only let the code expire: call them anyway (fail open).
    const moved = await failover(deps, failed, 'circuit_open', { failWhenExhausted: false });
    if (moved !== 'exhausted') {
      await charge.refund();
      if (moved === 'advanced') throw new UnrecoverableError(`${channel}: every provider's circuit is open`);
      return;
    }
    if (await tryAll(true)) return;
  }

  await charge.refund();
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
    expiresAt: record.expiresAt,
  });
  if (retry) throw new Error(`${channel}: every provider failed (${kinds.join(', ')}); retrying`);
  await store.markSendFailed(verificationId, send, deps.now());
  await failover(deps, failed, 'retries_exhausted', { failWhenExhausted: true });
  throw new UnrecoverableError(`${channel}: retries exhausted`);
}

/**
 * How long to wait for a sign of delivery before the plan moves on: the channel's receipt timeout for
 * SMS and calls (when receipts were asked for), a short wait for carrier mail when the plan has a
 * next step (such mail is often filtered without a bounce), nothing for other email.
 */
function receiptWaitMs(
  deps: SenderDeps,
  channel: ChannelName,
  callback: string | undefined,
  plan: readonly PlanStep[],
  step: number,
): number | undefined {
  const { config } = deps;
  if (channel !== 'email') return callback ? config.receiptTimeoutMs[channel] : undefined;
  const current = plan[step];
  return current && step + 1 < plan.length ? emailFailoverMs(current, config.settings) : undefined;
}

/** Charges an SMS or call to the client's day; undefined when that would pass its cap. */
async function chargeSpend(
  deps: SenderDeps,
  record: VerificationRecord,
  channel: ChannelName,
  to: string,
): Promise<{ refund(): Promise<void> } | undefined> {
  const free = { refund: async () => {} };
  if (channel === 'email') return free;
  const parsed = parseDestination(to);
  const country = parsed.ok && parsed.destination.kind === 'phone' ? parsed.destination.country : undefined;
  const micros = Math.round(sendCost(deps.config.settings, country, channel) * 1_000_000);
  const cap = clientSettings(deps.config.settings, record.client).dailySpendCap;
  const day = spendDay(deps.now());
  const charged = await deps.spend.charge(
    record.client,
    day,
    micros,
    cap === null ? undefined : Math.round(cap * 1e6),
  );
  if (!charged.ok) return undefined;
  return { refund: () => deps.spend.refund(record.client, day, micros) };
}
