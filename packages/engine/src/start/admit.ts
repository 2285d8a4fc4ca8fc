import { setTimeout as sleep } from 'node:timers/promises';
import type { LimitScope } from '@sendcode/policy';
import type { LimitRule, VerificationRecord } from '@sendcode/store';
import type { PlannedStart, StartDeps } from './types.ts';

/**
 * How long admission's pending-index entry names a verification that is not created yet. Creation
 * confirms the entry for the verification's lifetime a few milliseconds later; a gateway that dies in
 * between leaves an entry that frees the destination after this, not after the code's lifetime.
 */
export const CREATE_CLAIM_MS = 10_000;

/** Waits for a verification another start is creating: creation takes milliseconds, so not long. */
const CREATION_WAITS_MS = [10, 20, 40, 80, 160, 320];

/** What admission decided for this start. */
export type Admitted =
  | { readonly result: 'admitted' }
  /** A verification for this client, destination and purpose is pending: resend it. */
  | { readonly result: 'resume'; readonly record: VerificationRecord }
  | { readonly result: 'limited'; readonly scope: LimitScope; readonly retryAfterMs: number }
  /** Another start has claimed the destination and is creating its verification right now. */
  | { readonly result: 'being_created' };

/**
 * Phase 3, admission: every start limit and the "one pending verification per client, destination
 * and purpose" index in one atomic step. A start that finds the index naming another verification
 * resumes it when it is pending, waits for it when it is not created yet (concurrent starts meet
 * here: one creates, the others resume the same verification and code), and replaces it when it is
 * over. Only `admitted` consumed anything: a slot of every rule, and the index claimed for `start.id`.
 */
export async function admitStart(
  deps: StartDeps,
  start: PlannedStart,
  rules: readonly LimitRule[],
): Promise<Admitted> {
  const pending = {
    lookupHash: start.lookup,
    purpose: start.purpose,
    id: start.id,
    ttlMs: Math.min(CREATE_CLAIM_MS, start.ttlSeconds * 1000),
  };
  let ignoreId: string | undefined;
  // Each round either decides or learns that the named verification is over; a second round can
  // only meet a verification another start created meanwhile, so two rounds suffice, three is slack.
  for (let round = 0; round < 3; round += 1) {
    const outcome = await deps.admission.admit({
      client: start.client,
      rules,
      pending: ignoreId === undefined ? pending : { ...pending, ignoreId },
      nowMs: start.nowMs,
    });
    if (outcome.result === 'admitted') return outcome;
    if (outcome.result === 'limited') {
      return { result: 'limited', scope: outcome.scope, retryAfterMs: outcome.retryAfterMs };
    }
    const existing = await created(deps, outcome.id);
    if (existing === null) return { result: 'being_created' };
    if (existing.status === 'pending' && existing.client === start.client) {
      return { result: 'resume', record: existing };
    }
    ignoreId = outcome.id;
  }
  return { result: 'being_created' };
}

/** Takes an admitted start back: its slot in every rule, and the index entry if it still names it. */
export function refundStart(deps: StartDeps, start: PlannedStart, rules: readonly LimitRule[]) {
  return deps.admission.refund({
    client: start.client,
    rules,
    pending: { lookupHash: start.lookup, purpose: start.purpose, id: start.id },
    admittedAtMs: start.nowMs,
    nowMs: deps.now(),
  });
}

/**
 * A short name of the verification for the marks of its charged sends (`chargeSend`): 64 random bits
 * of the id are unique enough within its lifetime, and the full 36 characters would only cost memory.
 */
export function tokenOf(id: string): string {
  return id.slice(-16);
}

/** The verification `id` once it exists, or null if it does not appear within the waits. */
async function created(deps: StartDeps, id: string): Promise<VerificationRecord | null> {
  for (const wait of [0, ...CREATION_WAITS_MS]) {
    if (wait > 0) await sleep(wait);
    const record = await deps.store.get(id, deps.now());
    if (record !== null) return record;
  }
  return null;
}
