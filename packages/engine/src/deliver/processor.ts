import { destinationFacts, maskDestination } from '@sendcode/policy';
import type { DeliveryJob } from '@sendcode/store';
import type { Job } from 'bullmq';
import type { SenderDeps } from '../deps.ts';
import { openSend } from '../open-send.ts';
import { messageContext, render } from './message.ts';
import { failUnsent, settle } from './settle.ts';
import { attemptStep } from './step.ts';

/**
 * The delivery job processor. For one send of one verification it opens the sealed plan and code,
 * renders the message, then tries the channel's providers in order (the configured order, unless
 * their delivery health says otherwise: `routing.ts`), skipping any whose circuit is open, and stops
 * at the first that accepts (`step.ts`); `settle.ts` makes of the outcome what BullMQ should:
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
 * and before `markAccepted` ran: that send goes out twice, with the same code. With durable accept
 * (`REDIS_WAIT_REPLICAS`) a job completes only once that record reached a replica, so a Redis
 * failover cannot reopen the window.
 */
export function createDeliveryProcessor(deps: SenderDeps) {
  const { store, ring, logger } = deps;

  return async function deliver(job: Job<DeliveryJob>): Promise<void> {
    const { verificationId, send, step } = job.data;
    // Perf (bench/README.md): the record, the send and the sealed plan come in one round trip.
    const view = await store.forDelivery(verificationId, send, deps.now());
    const record = view?.record;
    if (!view || record?.status !== 'pending') {
      logger.debug({ status: record?.status ?? 'gone' }, 'nothing to send');
      return;
    }
    if (record.sends !== send || view.send?.status !== 'queued') {
      logger.debug({ send }, 'send superseded or already accepted');
      // A run after one whose acceptance was not confirmed on a replica (durable accept) confirms it.
      if (view.send?.status === 'accepted') await deps.durable.accepted(verificationId);
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
      logger.warn({ send, step, channel, kind: 'open_failed', what, why }, 'send failed');
      return failUnsent(deps, job, 'open_failed', channel, masked?.to);
    }
    const { plan, target, code } = opened;
    const { channel, to } = target;
    const rendered = render(channel, messageContext(deps, record, code));
    if (!rendered.ok) {
      const { why } = rendered;
      logger.warn({ send, step, channel, kind: 'render_failed', why }, 'send failed');
      return failUnsent(deps, job, 'render_failed', channel, maskDestination(to));
    }
    const out = { job, record, plan, channel, to, facts: destinationFacts(to), message: rendered.message };
    await settle(deps, out, await attemptStep(deps, out));
  };
}
