import type { BlockReason, LimitScope } from '@sendcode/policy';
import type { PlannedStart, StartDeps, StartRequest, StartResult } from './types.ts';

/** A start refused by the fraud guard (403 `destination_blocked`), kept for support. */
export async function blocked(
  deps: StartDeps,
  request: StartRequest,
  start: PlannedStart,
  block: BlockReason,
  detail: Record<string, string | number>,
): Promise<StartResult> {
  const id = await refuse(deps, request, start, 'destination_blocked', block, { block, ...detail });
  return { ok: false, reason: 'blocked', block, ...(id === undefined ? {} : { id }) };
}

/** A start refused by a limit (429 `rate_limited`), kept for support. */
export async function limited(
  deps: StartDeps,
  request: StartRequest,
  start: PlannedStart,
  scope: LimitScope,
  retryAfterMs: number,
): Promise<StartResult> {
  const id = await refuse(deps, request, start, 'rate_limited', scope, { scope });
  return { ok: false, reason: 'rate_limited', scope, retryAfterMs, ...(id === undefined ? {} : { id }) };
}

/**
 * Keeps a refused start for support, at a bounded cost (the store's `recordRefusal`): the refusals of
 * one destination for one reason and rule within the hour are one `failed` record, with one `refused`
 * event and a count, indexed by destination once. Answers its id, or undefined when the client's
 * quota of kept refusals for the hour is used up (said once in the log; the metrics count them all).
 */
async function refuse(
  deps: StartDeps,
  request: StartRequest,
  start: PlannedStart,
  reason: 'rate_limited' | 'destination_blocked',
  rule: string,
  detail: Record<string, string | number>,
): Promise<string | undefined> {
  const outcome = await deps.store.recordRefusal({
    client: start.client,
    lookupHash: start.lookup,
    planMasked: start.planMasked,
    purpose: start.purpose,
    ...(request.accountRef === undefined ? {} : { accountRef: request.accountRef }),
    reason,
    rule,
    detail,
    nowMs: start.nowMs,
  });
  if (!outcome.stored) {
    if (outcome.dropped === 1) {
      deps.logger.warn(
        { client: start.client, reason, rule },
        'refused starts are no longer kept for support this hour: the client has used up its quota',
      );
    }
    return undefined;
  }
  if (outcome.count === 1) {
    const keepSeconds = Math.max(1, Math.ceil((outcome.retainedUntil - start.nowMs) / 1000));
    await deps.supportIndex.add('destination', start.lookup, outcome.id, outcome.firstAt, keepSeconds);
  }
  return outcome.id;
}
