import { type ChannelName, type FailoverReason, type NextStep, nextStep } from '@sendcode/policy';
import type { SendStatus, VerificationRecord } from '@sendcode/store';
import type { EngineDeps } from './deps.ts';
import { chargeSend } from './send-limits.ts';
import { watchSend } from './send-reconciler.ts';

/** The send that did not get through. */
export interface FailedSend {
  readonly verificationId: string;
  readonly send: number;
  readonly step: number;
  readonly channel: ChannelName;
}

export interface FailoverOptions {
  /**
   * Mark the verification failed when there is no next step. True when we know the code never went
   * out (permanent error, retries exhausted); false after a missing or negative receipt, where the
   * code may still arrive or the user may ask for a resend.
   */
  readonly failWhenExhausted: boolean;
  /** Only move on if the failed send still has this status (a receipt may have arrived meanwhile). */
  readonly requireSendStatus?: SendStatus;
}

export type FailoverResult = 'advanced' | 'failed' | 'exhausted' | 'superseded';

/**
 * Moves a verification to the next step of its plan with the same code, or gives up. The decision
 * is policy's `nextStep`; the move itself is the store's compare-and-set on the send number, so when
 * a worker and a receipt both try to fail over the same send, exactly one of them does.
 */
export async function failover(
  deps: EngineDeps,
  from: FailedSend,
  reason: FailoverReason,
  options: FailoverOptions,
): Promise<FailoverResult> {
  const { store, config, metrics, logger } = deps;
  const now = deps.now();
  const record = await store.get(from.verificationId, now);
  if (record?.status !== 'pending' || record.sends !== from.send) return 'superseded';

  const decision = nextStepOf(deps, record, from.step, now);
  if (decision.action === 'fail')
    return giveUp(deps, from, reason, decision.reason, options.failWhenExhausted);

  const target = record.planMasked[decision.step];
  if (!target) throw new Error(`nextStep chose step ${decision.step}, which the plan does not have`);
  // Watched before it is recorded: should the add below fail, or this process die first, the
  // workers' reconciler queues the send (an advance that does not happen leaves an entry it drops).
  const next = { verificationId: from.verificationId, step: decision.step, send: from.send + 1 };
  await watchSend(deps, next);
  const advanced = await store.advance(from.verificationId, {
    kind: 'failover',
    step: decision.step,
    channel: target.channel,
    nowMs: now,
    maxSends: config.maxSends,
    expectedSend: from.send,
    ...(options.requireSendStatus ? { requireSendStatus: options.requireSendStatus } : {}),
    event: {
      type: 'failover',
      at: now,
      step: decision.step,
      channel: target.channel,
      to: target.to,
      detail: { reason, fromStep: from.step, fromChannel: from.channel },
    },
  });
  if (!advanced.ok) {
    if (advanced.reason === 'send_limit')
      return giveUp(deps, from, reason, 'send_limit', options.failWhenExhausted);
    return 'superseded';
  }
  metrics.failover(from.channel, target.channel, reason);
  const charged = await chargeSend(deps, record, decision.step, advanced.send);
  if (!charged.ok) {
    // That destination had its share: move on from this send as from any other that failed.
    const next = { ...from, send: advanced.send, step: decision.step, channel: target.channel };
    return failover(deps, next, 'destination_limited', { failWhenExhausted: options.failWhenExhausted });
  }
  logger.info(
    {
      from: from.channel,
      to: target.channel,
      reason,
      send: advanced.send,
    },
    'failover',
  );
  await deps.queues.add(target.channel, { ...next, send: advanced.send });
  return 'advanced';
}

/**
 * What would follow step `step` of `record` if it failed now (policy's `nextStep`, over the steps
 * whose channel has a provider). The delivery processor asks it too: a step with somewhere to go
 * retries within its budget only.
 */
export function nextStepOf(
  deps: EngineDeps,
  record: VerificationRecord,
  step: number,
  now: number,
): NextStep {
  return nextStep({
    plan: record.planMasked,
    step,
    sends: record.sends,
    maxSends: deps.config.maxSends,
    now,
    expiresAt: record.expiresAt,
    ...(deps.usable ? { usable: (next) => deps.usable?.(next.channel) ?? true } : {}),
  });
}

async function giveUp(
  deps: EngineDeps,
  from: FailedSend,
  reason: FailoverReason,
  why: 'plan_exhausted' | 'send_limit' | 'expired',
  fail: boolean,
): Promise<FailoverResult> {
  if (!fail || why === 'expired') return 'exhausted';
  const outcome = await deps.store.markFailed(from.verificationId, deps.now(), {
    reason,
    why,
    step: from.step,
    channel: from.channel,
  });
  if (outcome.found && outcome.transitioned) deps.metrics.completed('failed');
  return 'failed';
}
