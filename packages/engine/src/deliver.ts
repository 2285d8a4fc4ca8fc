import {
  type Channel,
  type Delivery,
  type DeliveryErrorKind,
  isDeliveryError,
} from '@sendcode/channels/channel';
import {
  type ChannelName,
  canRetry,
  clientSettings,
  type FailoverReason,
  type MessageContext,
  type MessageFor,
  maskDestination,
  type PlanStep,
  type ProviderName,
  type ProviderOrder,
  parseDestination,
  renderMessage,
  type SendFailure,
  sendCost,
} from '@sendcode/policy';
import { BACKOFF_JITTER, type DeliveryJob, spendDay, type VerificationRecord } from '@sendcode/store';
import { type Job, RateLimitError, UnrecoverableError } from 'bullmq';
import { sendReference, statusCallbackUrl } from './callbacks.ts';
import type { SenderDeps } from './deps.ts';
import { type FailedSend, failover, nextStepOf } from './failover.ts';
import { NO_PROVIDER, type SendResultLabel } from './metrics.ts';
import { openSend } from './open-send.ts';
import { receiptWaitMs } from './receipt-wait.ts';

/** What a provider call can end in, short of being accepted. */
type CallFailure = DeliveryErrorKind | 'adapter_error';

const RESULT_LABEL: Record<CallFailure, SendResultLabel> = {
  retryable: 'retryable_error',
  rate_limited: 'retryable_error',
  permanent: 'permanent_error',
  blocked: 'permanent_error',
  adapter_error: 'permanent_error',
};

/** How long a channel's queue pauses when every provider answered "slow down". */
const RATE_LIMIT_PAUSE_MS = 1_000;

/**
 * The delivery job processor. For one send of one verification it opens the sealed plan and code,
 * renders the message, then tries the channel's providers in order (the configured order, unless
 * their delivery health says otherwise: `routing.ts`), skipping any whose circuit is open, and stops
 * at the first that accepts:
 *
 * - a send that cannot be opened or rendered, or an adapter that breaks its contract (`SendFailure`)
 *   → next plan step at once, or the verification fails: each would fail the same way on every retry,
 *   and a job left to fail inside BullMQ would leave the verification pending with nothing to show;
 * - `permanent` (the destination cannot take this channel) → next plan step at once; trying another
 *   provider would only pay twice for the same refusal;
 * - `retryable` or `blocked` → the next provider; when all have failed, BullMQ retries the job with
 *   backoff while a retry still fits in the code's lifetime and, when the plan has a next step, in
 *   the step's budget (`stepRetryMs` from when the send was queued), then the plan moves on;
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
  const { store, ring, logger } = deps;

  return async function deliver(job: Job<DeliveryJob>): Promise<void> {
    const { verificationId, send, step } = job.data;
    // Perf (bench/README.md): the record, the send and the sealed plan come in one round trip.
    const view = await store.forDelivery(verificationId, send, deps.now());
    const record = view?.record;
    if (!view || record?.status !== 'pending') {
      logger.debug({ verificationId, status: record?.status ?? 'gone' }, 'nothing to send');
      return;
    }
    if (record.sends !== send || view.send?.status !== 'queued') {
      logger.debug({ verificationId, send }, 'send superseded or already accepted');
      return;
    }
    const opened = openSend(ring, verificationId, view.sealedPlan, record.sealedCode, step);
    if (!opened.ok) {
      // The record and the sends document are two reads: a verification that reached a final status
      // between them has lost its sealed plan, which is no failure of this send.
      const current = opened.why === 'missing' ? await store.get(verificationId, deps.now()) : record;
      if (current?.status !== 'pending') return;
      const { what, why } = opened;
      const masked = record.planMasked[step];
      const channel = masked?.channel ?? record.channel;
      logger.warn({ verificationId, send, step, channel, kind: 'open_failed', what, why }, 'send failed');
      return failUnsent(deps, job, 'open_failed', channel, masked?.to);
    }
    const { plan, target, code } = opened;
    const rendered = render(target.channel, messageContext(deps, record, code));
    if (!rendered.ok) {
      const { channel } = target;
      const { why } = rendered;
      logger.warn({ verificationId, send, step, channel, kind: 'render_failed', why }, 'send failed');
      return failUnsent(deps, job, 'render_failed', channel, maskDestination(target.to));
    }
    await sendStep(deps, job, record, plan, target.channel, target.to, rendered.message);
  };
}

function messageContext(deps: SenderDeps, record: VerificationRecord, code: string): MessageContext {
  const templates = clientSettings(deps.config.settings, record.client).templates;
  return {
    code,
    brand: record.brand,
    locale: record.locale,
    ttlSeconds: Math.max(1, Math.floor((record.expiresAt - deps.now()) / 1000)),
    purpose: record.purpose,
    senderName: templates.senderName,
    webOtpOrigin: templates.webOtpOrigin,
    url: templates.url,
  };
}

/**
 * The message, or why the templates refused it. `renderMessage` throws RangeError naming the field
 * and the rule it broke, never the value, so its message is safe to log; anything else is a bug
 * known by its name only.
 */
function render<C extends ChannelName>(channel: C, context: MessageContext) {
  try {
    return { ok: true, message: renderMessage(channel, context) } as const;
  } catch (error) {
    const why = error instanceof RangeError ? error.message : error instanceof Error ? error.name : 'unknown';
    return { ok: false, why } as const;
  }
}

/**
 * Fails a send that never reached a provider (its sealed values could not be opened, or its
 * message not rendered): counted against no provider, on the timeline with its reason, and the
 * plan moves on. Nothing was charged yet, so nothing is refunded.
 */
async function failUnsent(
  deps: SenderDeps,
  job: Job<DeliveryJob>,
  kind: Extract<SendFailure, 'open_failed' | 'render_failed'>,
  channel: ChannelName,
  maskedTo: string | undefined,
): Promise<never> {
  const { verificationId, step, send } = job.data;
  deps.metrics.attempt(channel, NO_PROVIDER, 'permanent_error');
  deps.metrics.delivery(channel, NO_PROVIDER, 'failed');
  await deps.store.appendEvent(verificationId, {
    type: 'send_failed',
    at: deps.now(),
    step,
    channel,
    ...(maskedTo === undefined ? {} : { to: maskedTo }),
    detail: { kind, attempt: job.attemptsMade + 1 },
  });
  return moveOn(deps, { verificationId, send, step, channel }, 'permanent_error', `${channel}: ${kind}`);
}

/**
 * Gives up on this send for good and moves the plan on: its next step, or the verification fails
 * when none is left. Throws UnrecoverableError, so BullMQ does not run the job again.
 */
async function moveOn(
  deps: SenderDeps,
  failed: FailedSend,
  reason: FailoverReason,
  why: string,
): Promise<never> {
  await deps.store.markSendFailed(failed.verificationId, failed.send, deps.now());
  await failover(deps, failed, reason, { failWhenExhausted: true });
  throw new UnrecoverableError(why);
}

/** Generic over the channel so the adapters and the rendered message are known to match. */
async function sendStep<C extends ChannelName>(
  deps: SenderDeps,
  job: Job<DeliveryJob>,
  record: VerificationRecord,
  plan: readonly PlanStep[],
  channel: C,
  to: string,
  message: MessageFor<C>,
): Promise<void> {
  const { store, circuit, metrics, config } = deps;
  const { verificationId, step, send } = job.data;
  const failed: FailedSend = { verificationId, send, step, channel };
  const attempt = job.attemptsMade + 1;
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
  ): Promise<'sent' | 'skipped' | Exclude<DeliveryErrorKind, 'permanent'>> => {
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
    const answer = await call(adapter, delivery);
    if (answer.ok) {
      // Record first: from here on a re-run of this job sends nothing, and receipts can match.
      // Perf: the circuit's success and the receipt timeout go out with markAccepted (one round trip,
      // not three); Redis still runs markAccepted first, as all share one connection and it is sent
      // first. The timeout needs no reply of markAccepted: should the send not be recorded after all
      // (gone, or accepted by a racing run), its entry is a no-op when it comes due. The same script
      // takes the send off the watch; should it fail, the reconciler schedules the timeout.
      const waitMs = receiptWaitMs(config, channel, plan, step);
      await Promise.all([
        store.markAccepted(verificationId, send, {
          type: 'sent',
          at: deps.now(),
          ...where,
          detail: { providerMessageId: answer.providerMessageId, attempt, ...routedDetail(route, provider) },
        }),
        circuit.record(breaker, 'success', deps.now()),
        deps.watch.accepted(job.data, waitMs === undefined ? undefined : deps.now() + waitMs),
      ]);
      metrics.attempt(channel, provider, 'ok');
      metrics.delivery(channel, provider, 'sent', (deps.now() - job.timestamp) / 1000);
      return 'sent';
    }

    const { kind, providerCode, broke } = answer;
    metrics.attempt(channel, provider, RESULT_LABEL[kind]);
    // A refused destination says nothing about the provider's health; a 429 is not an outage. A
    // broken adapter is this provider's path failing, so its circuit hears of it.
    if (kind === 'retryable' || kind === 'blocked' || kind === 'adapter_error')
      await circuit.record(breaker, 'failure', deps.now());
    else if (kind === 'permanent') await circuit.record(breaker, 'success', deps.now());
    deps.logger.warn(
      { verificationId, send, channel, provider, kind, providerCode, attempt, broke },
      'send failed',
    );
    const detail = { kind, attempt, ...(providerCode ? { providerCode } : {}) };
    await store.appendEvent(verificationId, { type: 'send_failed', at: deps.now(), ...where, detail });
    if (kind === 'permanent' || kind === 'adapter_error') {
      // Neither would go better on a retry. A broken adapter may have handed the message over before
      // it broke, so the next step may make a second send of the same code; never none.
      await charge.refund();
      metrics.delivery(channel, provider, 'failed');
      return moveOn(deps, failed, 'permanent_error', `${provider} ${channel}: ${kind}`);
    }
    if (adapter !== adapters.at(-1)) metrics.failover(channel, channel, 'provider_error');
    return kind;
  };

  // Providers in the order their delivery health says (a demoted one last, but for its probes).
  const configured = deps.channels[channel] as readonly Channel<C>[];
  const providers = configured.map((adapter) => adapter.provider);
  const route = await deps.routing.order(channel, providers);
  const at = (adapter: Channel<C>) => route.order.indexOf(adapter.provider);
  const adapters = [...configured].sort((a, b) => at(a) - at(b));
  if (adapters.length === 0) {
    await charge.refund();
    await failover(deps, failed, 'circuit_open', { failWhenExhausted: true });
    throw new UnrecoverableError(`${channel}: no provider is configured`);
  }
  const kinds: Exclude<DeliveryErrorKind, 'permanent'>[] = [];
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
  const now = deps.now();
  // A step with somewhere to go retries for its budget only, counted from when the send was queued
  // (the job's timestamp): the user is waiting for a code, not for this channel.
  const hasNext = nextStepOf(deps, record, step, now).action === 'send';
  const retry = canRetry({
    attempt,
    maxAttempts: job.opts.attempts ?? 1,
    backoffMs: config.retry.backoffMs,
    jitter: BACKOFF_JITTER,
    now,
    expiresAt: record.expiresAt,
    ...(hasNext ? { stepBudget: { since: job.timestamp, retryMs: config.stepRetryMs } } : {}),
  });
  if (retry) throw new Error(`${channel}: every provider failed (${kinds.join(', ')}); retrying`);
  await moveOn(deps, failed, 'retries_exhausted', `${channel}: retries exhausted`);
}

/**
 * What the `sent` event says of the provider order, when the provider that sent went first for a
 * reason: `routedAround` names the providers (comma-separated) passed over because they were not
 * delivering; `probe` marks a send to such a provider, made so its delivery keeps being measured.
 */
function routedDetail(route: ProviderOrder, provider: ProviderName): Record<string, string | boolean> {
  if (route.order[0] !== provider) return {};
  if (route.kind === 'routed') return { routedAround: route.around.join(',') };
  return route.kind === 'probe' ? { probe: true } : {};
}

/** An adapter's answer: accepted with the provider's message id, or how the call failed. */
type CallAnswer =
  | { readonly ok: true; readonly providerMessageId: string }
  | {
      readonly ok: false;
      readonly kind: CallFailure;
      readonly providerCode?: string | undefined;
      /** For `adapter_error`, how the contract was broken, safe to log: never the value itself. */
      readonly broke?: string;
    };

/**
 * Calls an adapter and reads its answer by the Channel contract: a DeliveryError says what kind of
 * failure it was; any other Error is taken as retryable (the adapter did not classify it). A
 * rejection with something that is not an Error, or a result without a provider message id, is the
 * adapter breaking the contract (`adapter_error`): what it holds is unknown, and may be a destination.
 */
async function call<C extends ChannelName>(adapter: Channel<C>, delivery: Delivery<C>): Promise<CallAnswer> {
  let result: unknown;
  try {
    result = await adapter.send(delivery);
  } catch (error) {
    if (isDeliveryError(error)) return { ok: false, kind: error.kind, providerCode: error.providerCode };
    if (error instanceof Error) return { ok: false, kind: 'retryable' };
    const broke = `rejected with ${error === null ? 'null' : typeof error}`;
    return { ok: false, kind: 'adapter_error', broke };
  }
  const id = (result as { providerMessageId?: unknown } | null | undefined)?.providerMessageId;
  if (typeof id === 'string') return { ok: true, providerMessageId: id };
  return { ok: false, kind: 'adapter_error', broke: 'resolved without a provider message id' };
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
