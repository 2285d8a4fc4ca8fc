import { clientSettings, lookupHash, numberPrefix } from '@sendcode/policy';
import { isRedisUnavailable, type VerificationRecord } from '@sendcode/store';
import { resend } from '../resend.ts';
import { type Admitted, admitStart } from './admit.ts';
import { createAndEnqueue } from './create.ts';
import { guardStart } from './guard.ts';
import { limitRules } from './limits.ts';
import { planStart } from './plan.ts';
import { blocked, limited } from './refuse.ts';
import type { PlannedStart, StartDeps, StartRequest, StartResult } from './types.ts';
import { undoStart } from './undo.ts';

/**
 * Starts a verification for API client `client`, in named phases:
 * 1. plan: destinations parsed, the plan built and rewritten by the destination rules;
 * 2. guard: the client's allowed countries, suspended number prefixes, the daily spend cap;
 * 3. admit: every start limit and the "one pending verification per destination and purpose" index
 *    in one atomic step; a start that finds one pending resends it instead (same id, same code,
 *    subject to the resend cooldown), and concurrent starts meet there (`admitStart`);
 * 4. create and enqueue: the verification stored, the pending index confirmed, the support index and
 *    prefix guard written, and its first send queued; or none of it that matters (`create.ts`).
 * A refused start is kept for support (`refuse.ts`): repeats within the hour count on one record.
 */
export async function startVerification(
  deps: StartDeps,
  client: string,
  request: StartRequest,
): Promise<StartResult> {
  const start = planStart(deps, client, request);
  if ('reason' in start) return { ok: false, ...start };
  const policy = clientSettings(deps.config.settings, client);

  const guarded = await guardStart(deps, policy, start);
  if (guarded?.kind === 'blocked') return blocked(deps, request, start, guarded.block, guarded.detail);
  if (guarded?.kind === 'limited') return limited(deps, request, start, guarded.scope, guarded.retryAfterMs);

  const { ring } = deps;
  const firstPhone = start.phones[0]?.phone;
  const rules = limitRules(policy.limits, {
    destination: start.lookup,
    account:
      request.accountRef === undefined
        ? undefined
        : lookupHash(ring.current.lookup, `account:${request.accountRef}`),
    ip:
      request.endUserIp === undefined
        ? undefined
        : lookupHash(ring.current.lookup, `ip:${request.endUserIp}`),
    prefix: firstPhone ? numberPrefix(firstPhone.address, policy.limits.prefix.digits) : undefined,
  });
  let admitted: Admitted;
  try {
    admitted = await admitStart(deps, start, rules);
  } catch (error) {
    // The admission may have run and lost its answer: take it back, as a failed create is.
    await undoStart(deps, start, rules);
    throw error;
  }
  switch (admitted.result) {
    case 'limited':
      return limited(deps, request, start, admitted.scope, admitted.retryAfterMs);
    case 'being_created':
      return { ok: false, reason: 'being_created', retryAfterMs: 1_000 };
    case 'resume':
      return resume(deps, request, admitted.record, start);
    case 'admitted':
      break;
  }

  const created = await createAndEnqueue(deps, policy, request, start, rules);
  if (!created.ok) return { ok: false, reason: 'unavailable', cause: created.cause };
  const unconfirmed = await replicated(deps, start, created.record);
  if (unconfirmed) return unconfirmed;
  deps.logger.info({ channel: created.record.channel, client }, 'verification started');
  return { ok: true, created: true, record: created.record, warnings: start.warnings };
}

/**
 * Resends a pending verification that admission found for this destination and purpose (with durable
 * accept, `resend` waits for its writes to reach the replicas).
 */
async function resume(
  deps: StartDeps,
  request: StartRequest,
  existing: VerificationRecord,
  start: PlannedStart,
): Promise<StartResult> {
  const outcome = await resend(deps, existing, undefined);
  if (!outcome.ok) {
    switch (outcome.reason) {
      case 'cooldown':
        return { ok: false, reason: 'resend_too_soon', retryAfterMs: outcome.retryAfterMs };
      case 'send_limit':
        return { ok: false, reason: 'max_sends_reached', retryAfterMs: existing.expiresAt - deps.now() };
      case 'rate_limited':
        return limited(deps, request, start, outcome.scope, outcome.retryAfterMs);
      case 'unavailable':
        return { ok: false, reason: 'unavailable', cause: outcome.cause };
      default:
        // It became final meanwhile: the caller may simply start again.
        return { ok: false, reason: 'being_created', retryAfterMs: 1_000 };
    }
  }
  const updated = await deps.store.get(existing.id, deps.now());
  if (!updated) return { ok: false, reason: 'being_created', retryAfterMs: 1_000 };
  return { ok: true, created: false, record: updated, warnings: start.warnings };
}

/**
 * Durable accept: nothing, once the start's writes reached the replicas asked for; else the refusal
 * to answer with (503 `unavailable`). The verification stays — its code may be on its way — so the
 * client's retry meets it (a resume, inside the resend cooldown a 429) rather than a second code.
 */
async function replicated(
  deps: StartDeps,
  start: PlannedStart,
  record: VerificationRecord,
): Promise<StartResult | undefined> {
  try {
    await deps.durable.started({
      verificationId: record.id,
      client: start.client,
      lookup: start.lookup,
      purpose: start.purpose,
      channel: record.channel,
    });
    return undefined;
  } catch (cause) {
    if (!isRedisUnavailable(cause)) throw cause;
    deps.logger.warn({ err: cause }, 'verification started, not yet on a replica');
    return { ok: false, reason: 'unavailable', cause };
  }
}
