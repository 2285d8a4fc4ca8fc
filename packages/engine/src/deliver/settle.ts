import { type ChannelName, canRetry, type FailoverReason, type SendFailure } from '@sendcode/policy';
import { BACKOFF_JITTER, type DeliveryJob } from '@sendcode/store';
import { type Job, RateLimitError, UnrecoverableError } from 'bullmq';
import type { SenderDeps } from '../deps.ts';
import { type FailedSend, failover, nextStepOf } from '../failover.ts';
import { NO_PROVIDER } from '../metrics.ts';
import { attemptOf, failedSend, type Outgoing, type RetryKind, type StepOutcome } from './outcome.ts';

/** How long a channel's queue pauses when every provider answered "slow down". */
const RATE_LIMIT_PAUSE_MS = 1_000;

/**
 * Makes of a step's outcome what BullMQ and the plan should: returns when the job is done, throws
 * `UnrecoverableError` when it must not run again (the plan moved on, or the verification failed),
 * `RateLimitError` to pause the queue without spending an attempt, and any other Error to be retried
 * with backoff.
 */
export async function settle<C extends ChannelName>(
  deps: SenderDeps,
  out: Outgoing<C>,
  outcome: StepOutcome,
): Promise<void> {
  const { channel } = out;
  switch (outcome.kind) {
    case 'sent':
      return;
    case 'spend_capped':
      return failSpendCapped(deps, out);
    case 'unconfigured':
      await failover(deps, failedSend(out), 'circuit_open', { failWhenExhausted: true });
      throw new UnrecoverableError(`${channel}: no provider is configured`);
    case 'refused': {
      // Neither would go better on a retry. A broken adapter may have handed the message over before
      // it broke, so the next step may make a second send of the same code; never none.
      const { provider, failure } = outcome;
      deps.metrics.delivery(channel, provider, 'failed');
      return moveOn(deps, failedSend(out), 'permanent_error', `${provider} ${channel}: ${failure}`);
    }
    case 'circuit_open':
      // Failed or superseded: the job has nothing left to do.
      if (outcome.moved === 'advanced')
        throw new UnrecoverableError(`${channel}: every provider's circuit is open`);
      return;
    case 'rate_limited':
      await deps.rateLimit(channel, RATE_LIMIT_PAUSE_MS);
      throw new RateLimitError();
    case 'failed':
      return retryOrMoveOn(deps, out, outcome.failures);
  }
}

/**
 * Retries the job while a retry still fits in the code's lifetime and, when the plan has a next
 * step, in the step's budget, counted from when the send was queued (the job's timestamp): the user
 * is waiting for a code, not for this channel. Then the plan moves on.
 */
async function retryOrMoveOn<C extends ChannelName>(
  deps: SenderDeps,
  out: Outgoing<C>,
  failures: readonly RetryKind[],
): Promise<never> {
  const { job, record, channel } = out;
  const now = deps.now();
  const hasNext = nextStepOf(deps, record, job.data.step, now).action === 'send';
  const retry = canRetry({
    attempt: attemptOf(out),
    maxAttempts: job.opts.attempts ?? 1,
    backoffMs: deps.config.retry.backoffMs,
    jitter: BACKOFF_JITTER,
    now,
    expiresAt: record.expiresAt,
    ...(hasNext ? { stepBudget: { since: job.timestamp, retryMs: deps.config.stepRetryMs } } : {}),
  });
  if (retry) throw new Error(`${channel}: every provider failed (${failures.join(', ')}); retrying`);
  return moveOn(deps, failedSend(out), 'retries_exhausted', `${channel}: retries exhausted`);
}

/** The client is over its daily spend cap: nothing more is sent to it today, so the verification fails. */
async function failSpendCapped<C extends ChannelName>(deps: SenderDeps, out: Outgoing<C>): Promise<never> {
  const { channel } = out;
  const { verificationId, step } = out.job.data;
  await deps.store.appendEvent(verificationId, {
    type: 'send_failed',
    at: deps.now(),
    step,
    channel,
    to: out.facts.masked,
    detail: { kind: 'spend_cap', attempt: attemptOf(out) },
  });
  const outcome = await deps.store.markFailed(verificationId, deps.now(), {
    reason: 'spend_cap',
    step,
    channel,
  });
  if (outcome.found && outcome.transitioned) deps.metrics.completed('failed');
  throw new UnrecoverableError(`${channel}: the client's daily spend cap is reached`);
}

/**
 * Fails a send that never reached a provider (its sealed values could not be opened, or its
 * message not rendered): counted against no provider, on the timeline with its reason, and the
 * plan moves on. Nothing was charged yet, so nothing is refunded.
 */
export async function failUnsent(
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
