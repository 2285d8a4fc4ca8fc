import { type ClientSettings, generateCode, hashCode, lookupHash, sealWith } from '@sendcode/policy';
import type { LimitRule, NewVerification, VerificationRecord } from '@sendcode/store';
import { watchSend } from '../send-reconciler.ts';
import { refundStart } from './admit.ts';
import type { PlannedStart, StartDeps, StartRequest } from './types.ts';

/**
 * Phase 4: the admitted start becomes a verification — stored (code as HMAC, plan and code sealed),
 * then its first send queued. Either both happen or neither stays: a failed create or add takes the
 * admission back. Answers the record as stored, or the queue's error (nothing was kept). The first
 * send is watched before it is stored, so a gateway that dies between the two writes leaves it to
 * the workers' reconciler, which queues it.
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
  try {
    await watchSend(deps, { verificationId: start.id, step: 0, send: 1 });
    await deps.store.create(verification, start.nowMs);
  } catch (error) {
    await refundStart(deps, start, rules);
    throw error;
  }
  try {
    await deps.queues.add(first.channel, { verificationId: start.id, step: 0, send: 1 });
  } catch (cause) {
    await deps.store.discard(start.id);
    await refundStart(deps, start, rules);
    return { ok: false, cause };
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

/**
 * Phase 5, after the verification exists: the pending index confirmed for its lifetime, the support
 * index entries, and the prefix guard's count. They touch unrelated keys, so they go out together —
 * one round trip on the shared connection instead of several in a row (bench/README.md).
 */
export async function indexStart(deps: StartDeps, request: StartRequest, start: PlannedStart) {
  const { admission, supportIndex, prefixGuard, ring } = deps;
  const rule = deps.config.settings.fraud.conversion;
  const writes: Promise<unknown>[] = [
    admission.confirmPending(start.client, start.lookup, start.purpose, start.id, start.ttlSeconds * 1000),
    supportIndex.add('destination', start.lookup, start.id, start.nowMs),
  ];
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
    sealedPlan: sealWith(ring, JSON.stringify(start.plan), { verificationId: start.id, field: 'plan' }),
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
  };
}
