import type { ChannelName, LimitScope } from '@sendcode/policy';
import { type AdvanceOutcome, isRedisUnavailable, type VerificationRecord } from '@sendcode/store';
import type { EngineDeps } from './deps.ts';
import { chargeSend } from './send-limits.ts';
import { watchSend } from './send-reconciler.ts';

export type ResendResult =
  | { readonly ok: true; readonly send: number; readonly step: number; readonly channel: ChannelName }
  | { readonly ok: false; readonly reason: 'channel_not_in_plan' }
  /** The destination's window is full: the resend is on the timeline as refused, nothing went out. */
  | {
      readonly ok: false;
      readonly reason: 'rate_limited';
      readonly scope: LimitScope;
      readonly retryAfterMs: number;
    }
  /**
   * Durable accept: the resend is queued, but its writes did not reach the replicas asked for. It
   * stands (its code may be on its way): a retry inside the cooldown is a 429.
   */
  | { readonly ok: false; readonly reason: 'unavailable'; readonly cause: unknown }
  | Exclude<AdvanceOutcome, { ok: true }>;

/**
 * "Use another option": sends the same code again, on `channel` if given (its first step in the plan)
 * or on the current step. The cooldown since the last send and the cap on sends are checked in the
 * same atomic step that records the resend; then the resend counts against its destination's limits
 * like a start (`chargeSend`). With durable accept the answer waits for the resend's writes to reach
 * the replicas.
 */
export async function resend(
  deps: EngineDeps,
  record: VerificationRecord,
  channel: ChannelName | undefined,
): Promise<ResendResult> {
  const step = channel ? record.planMasked.findIndex((s) => s.channel === channel) : record.step;
  const target = record.planMasked[step];
  if (!target) return { ok: false, reason: 'channel_not_in_plan' };
  const now = deps.now();
  // Watched before it is recorded, as the send it will most likely be (the next after the latest
  // this caller read); see failover.ts.
  const expected = { verificationId: record.id, step, send: record.sends + 1 };
  await watchSend(deps, expected);
  const outcome = await deps.store.advance(record.id, {
    kind: 'resend',
    step,
    channel: target.channel,
    nowMs: now,
    maxSends: deps.config.maxSends,
    cooldownMs: deps.config.resendCooldownMs,
    event: { type: 'resend', at: now, step, channel: target.channel, to: target.to },
  });
  if (!outcome.ok) return outcome;
  const job = { ...expected, send: outcome.send };
  // Another send was recorded since this caller read the record: watch the one this made.
  if (outcome.send !== expected.send) await watchSend(deps, job);
  const charged = await chargeSend(deps, record, step, outcome.send);
  if (!charged.ok) {
    return { ok: false, reason: 'rate_limited', scope: charged.scope, retryAfterMs: charged.retryAfterMs };
  }
  await deps.queues.add(target.channel, job);
  try {
    await deps.durable.resent({ ...job, channel: target.channel });
  } catch (cause) {
    if (!isRedisUnavailable(cause)) throw cause;
    deps.logger.warn({ err: cause }, 'code sent again, not yet on a replica');
    return { ok: false, reason: 'unavailable', cause };
  }
  return { ok: true, send: outcome.send, step, channel: target.channel };
}
