import {
  type ChannelName,
  canonicalDestination,
  clientSettings,
  type LimitScope,
  lookupHash,
} from '@sendcode/policy';
import type { VerificationRecord } from '@sendcode/store';
import type { EngineDeps } from './deps.ts';
import { openSend } from './open-send.ts';
import { tokenOf } from './start/admit.ts';
import { destinationRules } from './start/limits.ts';

/** Whether a send that was just recorded may go out. */
export type SendCharge =
  | { readonly ok: true }
  | { readonly ok: false; readonly scope: LimitScope; readonly retryAfterMs: number };

/**
 * Counts send `send` (a resend or a failover, just recorded at `step`) against its destination's
 * limits, the same windows a start counts against: otherwise a plan's fallbacks and resends could send
 * to one destination past them. Counted once per send, however often this runs for it. When a window
 * is full the send is marked failed with a `send_failed` event naming the limit, and nothing goes out.
 */
export async function chargeSend(
  deps: EngineDeps,
  record: VerificationRecord,
  step: number,
  send: number,
): Promise<SendCharge> {
  const now = deps.now();
  const to = await destinationOf(deps, record.id, step, send);
  if (to === undefined) return { ok: true };
  const limits = clientSettings(deps.config.settings, record.client).limits;
  const rules = destinationRules(limits, lookupHash(deps.ring.current.lookup, canonicalDestination(to)));
  const outcome = await deps.admission.chargeSend({
    client: record.client,
    rules,
    token: `${tokenOf(record.id)}:${send}`,
    ttlMs: Math.max(1, record.expiresAt - now),
    nowMs: now,
  });
  if (outcome.result === 'charged') return { ok: true };
  const scope = outcome.scope;
  const target = record.planMasked[step];
  await deps.store.markSendFailed(record.id, send, now);
  await deps.store.appendEvent(record.id, {
    type: 'send_failed',
    at: now,
    step,
    ...(target ? { channel: target.channel as ChannelName, to: target.to } : {}),
    detail: { send, error: 'rate_limited', scope },
  });
  return { ok: false, scope, retryAfterMs: outcome.retryAfterMs };
}

async function destinationOf(
  deps: EngineDeps,
  id: string,
  step: number,
  send: number,
): Promise<string | undefined> {
  const view = await deps.store.forDelivery(id, send, deps.now());
  // A plan that is gone (the verification is over) or does not open cannot be sent to either: the
  // send itself fails (`open_failed`), so there is nothing to count.
  const opened = openSend(deps.ring, id, view?.sealedPlan, view?.record.sealedCode, step);
  return opened.ok ? opened.target.to : undefined;
}
