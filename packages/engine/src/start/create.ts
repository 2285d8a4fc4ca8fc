import { setTimeout as sleep } from 'node:timers/promises';
import {
  type ChannelName,
  type ClientSettings,
  generateCode,
  hashCode,
  lookupHash,
  sealWith,
} from '@sendcode/policy';
import {
  type DeliveryJob,
  isRedisRefusal,
  isRedisUnavailable,
  type LimitRule,
  type NewVerification,
  type VerificationRecord,
} from '@sendcode/store';
import { sealPlan } from '../open-send.ts';
import { watchSend } from '../send-reconciler.ts';
import type { PlannedStart, StartDeps, StartRequest } from './types.ts';
import { undoStart } from './undo.ts';

/**
 * Phase 4: the admitted start becomes a verification — stored (code as HMAC, plan and code sealed),
 * its claim in the pending index confirmed for its lifetime, then its first send queued. Either all
 * happen or none stays: a failed create, confirm or add takes the verification and the admission
 * back (`undoStart`) — except an add that got no answer, which may have queued the job: it is tried
 * again, and if Redis stays away that start stays and is sent. Answers the record as stored, or the
 * cause of the failure. The first send is watched before it is stored, so a gateway that dies
 * between the writes leaves it to the workers' reconciler, which queues it while the pending index
 * still names it. The claim is confirmed before the add so that once a job may exist, a retry of
 * the start resumes this verification. Watch, create, confirm and the index writes (`indexStart`) go
 * out in one write (one round trip, not four); on Redis Cluster they go to their own nodes at once,
 * so a gateway killed in the microseconds between those writes could leave a claim without its
 * verification: starts for that destination and purpose then answer 409 until the claim expires
 * with the code's lifetime.
 */
export async function createAndEnqueue(
  deps: StartDeps,
  policy: ClientSettings,
  request: StartRequest,
  start: PlannedStart,
  rules: readonly LimitRule[],
): Promise<{ ok: true; record: VerificationRecord } | { ok: false; cause: unknown }> {
  const verification = newVerification(deps, policy, request, start);
  const first = start.plan[0];
  if (!first) throw new Error('a planned start has no first step');
  const job = { verificationId: start.id, step: 0, send: 1 };
  // The writes leave in one socket write, in this order, without waiting for each other's answers:
  // Redis runs them one after the other all the same, and a failure of any is taken back whole
  // (`undoStart` deletes the verification and the claim, whichever of them ran).
  const written = await Promise.allSettled(
    deps.together(
      () =>
        [
          watchSend(deps, job),
          deps.store.create(verification, start.nowMs),
          deps.admission.confirmPending(
            start.client,
            start.lookup,
            start.purpose,
            start.id,
            start.ttlSeconds * 1000,
          ),
          indexStart(deps, request, start),
        ] as const,
    ),
  );
  const failed = written.find((outcome) => outcome.status === 'rejected');
  if (failed) {
    await undoStart(deps, start, rules);
    throw failed.reason;
  }
  const [, , claimed] = written;
  if (claimed.status === 'fulfilled' && !claimed.value) {
    // Admission's claim lapsed before the verification was stored (a gateway stalled for seconds):
    // another start may own the destination now, so this one must not send a code of its own.
    await undoStart(deps, start, rules);
    return { ok: false, cause: new Error('the pending index claim lapsed before the create') };
  }
  try {
    await deps.queues.add(first.channel, job);
  } catch (cause) {
    if (!isRedisUnavailable(cause) || isRedisRefusal(cause)) {
      await undoStart(deps, start, rules);
      return { ok: false, cause };
    }
    // No answer: the job may be there, and taking the start back could race a worker already
    // sending it. The add is idempotent (the job id is the send's), so it is tried again; while it
    // fails, the verification stays — confirmed in the pending index and watched — so its send
    // goes out (queued by the reconciler if need be) and a retry of the start resumes it.
    if (!(await addAgain(deps, first.channel, job))) {
      deps.logger.warn({ err: cause }, 'first send queued without an answer');
      return { ok: false, cause };
    }
  }
  return {
    ok: true,
    record: {
      ...verification,
      status: 'pending',
      attempts: 0,
      sends: 1,
      step: 0,
      updatedAt: start.nowMs,
      lastSendAt: start.nowMs,
    },
  };
}

/** Pauses before each new try of an add that got no answer: a reset connection is back within milliseconds. */
const ADD_AGAIN_MS = [50, 100, 200, 400];

/** Adds `job` again until it is answered, a few times in under a second; whether it was. */
async function addAgain(deps: StartDeps, channel: ChannelName, job: DeliveryJob): Promise<boolean> {
  for (const wait of ADD_AGAIN_MS) {
    await sleep(wait);
    try {
      await deps.queues.add(channel, job);
      return true;
    } catch {
      // Still no Redis: the next pause, or the caller's answer.
    }
  }
  return false;
}

/**
 * The support index entries and the prefix guard's count, written with the create (the same socket
 * write). A start taken back after them leaves an index entry naming a verification that is gone,
 * which the support search skips as it skips an expired one, and one start too many in the prefix
 * guard's window: both only when Redis failed the start.
 *
 * They are not what sends the code, so when Redis refuses them alone (full, or not answering) they
 * are logged and left — support may not find the verification by destination, and the prefix guard
 * misses one start.
 */
async function indexStart(deps: StartDeps, request: StartRequest, start: PlannedStart) {
  try {
    await writeIndexes(deps, request, start);
  } catch (error) {
    if (!isRedisUnavailable(error)) throw error;
    deps.logger.warn({ err: error }, 'verification started, but Redis refused its index entries');
  }
}

async function writeIndexes(deps: StartDeps, request: StartRequest, start: PlannedStart) {
  const { supportIndex, prefixGuard, ring } = deps;
  const rule = deps.config.settings.fraud.conversion;
  const writes: Promise<unknown>[] = [supportIndex.add('destination', start.lookup, start.id, start.nowMs)];
  if (request.accountRef !== undefined) {
    const account = lookupHash(ring.current.lookup, `account:${request.accountRef}`);
    writes.push(supportIndex.add('account', account, start.id, start.nowMs));
  }
  const guarded = start.prefixes.map((prefix) =>
    prefixGuard.recordStart(prefix, start.client, start.nowMs, {
      minSends: rule.minSends,
      threshold: rule.threshold,
      windowMs: rule.windowSeconds * 1000,
      blockMs: rule.blockSeconds * 1000,
      clientsToSuspendAll: rule.clientsToSuspendAll,
    }),
  );
  const [, guards] = await Promise.all([Promise.all(writes), Promise.all(guarded)]);
  for (const guard of guards) {
    if (guard.blocked && guard.triggered) {
      // The client is the operator's own name for an API key (never a destination or a prefix).
      const message =
        guard.scope === 'all'
          ? 'number prefix suspended for every client: conversion collapsed for several clients'
          : 'number prefix blocked for one client: its conversion collapsed';
      deps.logger.warn({ until: guard.until, scope: guard.scope, client: start.client }, message);
    }
  }
}

function newVerification(
  deps: StartDeps,
  policy: ClientSettings,
  request: StartRequest,
  start: PlannedStart,
): NewVerification {
  const { ring, defaults } = deps;
  const codeLength = request.codeLength ?? defaults.codeLength;
  const code = generateCode(codeLength);
  const first = start.plan[0];
  if (!first) throw new Error('a planned start has no first step');
  return {
    id: start.id,
    client: start.client,
    planMasked: start.planMasked,
    sealedPlan: sealPlan(ring, start.id, start.plan),
    sealedCode: sealWith(ring, code, { verificationId: start.id, field: 'code' }),
    codeHash: hashCode(ring.current.codeHmac, start.id, code),
    keyId: ring.current.id,
    codeLength,
    locale: request.locale ?? policy.templates.locale ?? 'en',
    brand: request.brand ?? policy.templates.brand ?? defaults.brand,
    purpose: start.purpose,
    accountRef: request.accountRef,
    ttlSeconds: start.ttlSeconds,
    createdAt: start.nowMs,
    expiresAt: start.nowMs + start.ttlSeconds * 1000,
    maxAttempts: defaults.maxAttempts,
    channel: first.channel,
    ...(start.prefixes[0] ? { numberPrefix: start.prefixes[0] } : {}),
    lookupHash: start.lookup,
  };
}
