import { setTimeout as sleep } from 'node:timers/promises';
import type { LimitRule } from '@sendcode/store';
import { refundStart } from './admit.ts';
import type { PlannedStart, StartDeps } from './types.ts';

/** Pauses between tries Redis did not take: a reset connection is back within milliseconds. */
const RETRY_MS = [100, 200, 400, 800];

/**
 * Takes back a start that failed after admission: its verification deleted and its admission
 * refunded, so the 503 it is answered with holds — nothing stays, nothing is sent, and the client's
 * retry starts afresh. The verification goes even when its create seemed to fail: a create that
 * timed out or lost its connection may have run, and its watched send would then be queued by the
 * reconciler, a code sent for a start answered 503. Likewise an admission that lost its answer may
 * hold the destination (409 `verification_being_created` for its claim's 10 s). Both writes work on
 * a full Redis (DEL and ZREM never grow memory) and undo nothing that is not this start's.
 *
 * Resolves after the first try. When Redis does not take it (the connection is down), it is tried
 * again in the background while the reconciler still leaves the send alone (half its grace from the
 * create): later, the send may be on its way, and deleting it would let the retry send a second
 * code. Past that the start stays, and its code is sent: a retry resumes it. Never throws — the
 * caller reports the failure that brought it here.
 */
export async function undoStart(
  deps: StartDeps,
  start: PlannedStart,
  rules: readonly LimitRule[],
): Promise<void> {
  if ((await tryUndo(deps, start, rules)) === undefined) return;
  void retryUndo(deps, start, rules);
}

async function retryUndo(deps: StartDeps, start: PlannedStart, rules: readonly LimitRule[]) {
  const deadline = start.nowMs + deps.config.reconcileAfterMs / 2;
  let failure: unknown;
  for (const wait of RETRY_MS) {
    if (deps.now() + wait > deadline) break;
    await sleep(wait);
    failure = await tryUndo(deps, start, rules);
    if (failure === undefined) return;
  }
  deps.logger.warn(
    { err: failure },
    'a failed start could not be taken back: its code may be sent all the same',
  );
}

/** One try; answers what failed, or undefined when both writes went through. */
async function tryUndo(deps: StartDeps, start: PlannedStart, rules: readonly LimitRule[]) {
  const undone = await Promise.allSettled([deps.store.discard(start.id), refundStart(deps, start, rules)]);
  return undone.find((outcome) => outcome.status === 'rejected')?.reason as unknown;
}
