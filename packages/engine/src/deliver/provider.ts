import type { Channel } from '@sendcode/channels/channel';
import type { ChannelName, ProviderName, ProviderOrder } from '@sendcode/policy';
import { sendReference, statusCallbackUrl } from '../callbacks.ts';
import type { SenderDeps } from '../deps.ts';
import type { SendResultLabel } from '../metrics.ts';
import { receiptWaitMs } from '../receipt-wait.ts';
import { type CallAnswer, type CallFailure, call } from './call.ts';
import { attemptOf, type Outgoing, type RefusalKind, type RetryKind, whereOf } from './outcome.ts';

/** One provider's turn at a send. */
export type Turn =
  | { readonly kind: 'sent'; readonly provider: ProviderName }
  | { readonly kind: 'refused'; readonly provider: ProviderName; readonly failure: RefusalKind }
  | { readonly kind: 'failed'; readonly failure: RetryKind };

const RESULT_LABEL: Record<CallFailure, SendResultLabel> = {
  retryable: 'retryable_error',
  rate_limited: 'retryable_error',
  permanent: 'permanent_error',
  blocked: 'permanent_error',
  adapter_error: 'permanent_error',
};

const breakerOf = (provider: ProviderName, channel: ChannelName) => `${provider}:${channel}` as const;

/**
 * Whether the provider's circuit lets this send through. One that does not is skipped, and the
 * timeline says so.
 */
export async function circuitAllows<C extends ChannelName>(
  deps: SenderDeps,
  out: Outgoing<C>,
  adapter: Channel<C>,
): Promise<boolean> {
  const { provider } = adapter;
  if ((await deps.circuit.allow(breakerOf(provider, out.channel), deps.now())).allowed) return true;
  await deps.store.appendEvent(out.job.data.verificationId, {
    type: 'circuit_skipped',
    at: deps.now(),
    ...whereOf(out, provider),
    detail: { attempt: attemptOf(out) },
  });
  return false;
}

/** Calls one provider with the send and records what it answered: store, circuit, metrics, log. */
export async function callProvider<C extends ChannelName>(
  deps: SenderDeps,
  out: Outgoing<C>,
  route: ProviderOrder,
  adapter: Channel<C>,
): Promise<Turn> {
  const { provider } = adapter;
  const { verificationId, send } = out.job.data;
  const reference = sendReference(verificationId, send);
  const callback = statusCallbackUrl(deps.config.publicUrl, provider, out.channel, reference);
  const answer = await call(adapter, {
    to: out.to,
    message: out.message,
    reference,
    ...(callback ? { statusCallbackUrl: callback } : {}),
  });
  if (answer.ok) {
    await recordAccepted(deps, out, route, provider, answer.providerMessageId);
    return { kind: 'sent', provider };
  }
  await recordFailure(deps, out, provider, answer);
  if (answer.kind === 'permanent' || answer.kind === 'adapter_error')
    return { kind: 'refused', provider, failure: answer.kind };
  return { kind: 'failed', failure: answer.kind };
}

async function recordAccepted<C extends ChannelName>(
  deps: SenderDeps,
  out: Outgoing<C>,
  route: ProviderOrder,
  provider: ProviderName,
  providerMessageId: string,
): Promise<void> {
  const { job, channel } = out;
  // Record first: from here on a re-run of this job sends nothing, and receipts can match.
  // Perf: the circuit's success and the receipt timeout go out with markAccepted (one round trip,
  // and one socket write, not three); Redis still runs markAccepted first, as all share one
  // connection and it is sent first. The timeout needs no reply of markAccepted: should the send not be recorded after all
  // (gone, or accepted by a racing run), its entry is a no-op when it comes due. The same script
  // takes the send off the watch; should it fail, the reconciler schedules the timeout.
  const waitMs = receiptWaitMs(deps.config, channel, out.plan, job.data.step);
  const [recorded] = await deps.together(() =>
    Promise.all([
      deps.store.markAccepted(job.data.verificationId, job.data.send, {
        type: 'sent',
        at: deps.now(),
        ...whereOf(out, provider),
        detail: { providerMessageId, attempt: attemptOf(out), ...routedDetail(route, provider) },
      }),
      deps.circuit.record(breakerOf(provider, channel), 'success', deps.now()),
      deps.watch.accepted(job.data, waitMs === undefined ? undefined : deps.now() + waitMs),
    ]),
  );
  // The send was no longer queued: another run of this job (its lock lapsed while the provider was
  // called) recorded its own acceptance first, and the destination holds two copies of the one code.
  // Said, so duplicates can be counted (no id, destination or code: DESIGN.md's rule for log lines).
  if (recorded === 'already_accepted') {
    deps.logger.warn(
      { send: job.data.send, channel, provider, attempt: attemptOf(out) },
      'send accepted twice',
    );
  }
  deps.metrics.attempt(channel, provider, 'ok');
  deps.metrics.delivery(channel, provider, 'sent', (deps.now() - job.timestamp) / 1000);
  // Durable accept: the job completes only once the record reached a replica, so a failover cannot
  // bring back "queued" and send again. Short of it, the job is retried and finds the send accepted.
  await deps.durable.accepted(job.data.verificationId);
}

async function recordFailure<C extends ChannelName>(
  deps: SenderDeps,
  out: Outgoing<C>,
  provider: ProviderName,
  answer: Extract<CallAnswer, { ok: false }>,
): Promise<void> {
  const { channel } = out;
  const { verificationId, send } = out.job.data;
  const { kind, providerCode, broke } = answer;
  const attempt = attemptOf(out);
  deps.metrics.attempt(channel, provider, RESULT_LABEL[kind]);
  // A refused destination says nothing about the provider's health; a 429 is not an outage. A
  // broken adapter is this provider's path failing, so its circuit hears of it.
  const breaker = breakerOf(provider, channel);
  if (kind === 'retryable' || kind === 'blocked' || kind === 'adapter_error')
    await deps.circuit.record(breaker, 'failure', deps.now());
  else if (kind === 'permanent') await deps.circuit.record(breaker, 'success', deps.now());
  deps.logger.warn({ send, channel, provider, kind, providerCode, attempt, broke }, 'send failed');
  const detail = { kind, attempt, ...(providerCode ? { providerCode } : {}) };
  await deps.store.appendEvent(verificationId, {
    type: 'send_failed',
    at: deps.now(),
    ...whereOf(out, provider),
    detail,
  });
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
