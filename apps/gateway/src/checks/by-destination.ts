import { checkByDestinationBody } from '@sendcode/contract';
import { canonicalDestination, lookupHashes, parseDestination } from '@sendcode/policy';
import type { VerificationRecord } from '@sendcode/store';
import type { RequestHandler } from 'express';
import type { ApiClient } from '../auth.ts';
import type { GatewayDeps } from '../deps.ts';
import { ApiError } from '../errors.ts';
import { parseBody } from '../validate.ts';
import { checkVerification, presentCheck, refusedAfterApproval } from './check.ts';

/** How far back the support index is searched when nothing is pending: the final state's retention. */
const RETENTION_MS = 24 * 3_600_000;

/**
 * The caller's verification for a destination and purpose, the one a check by destination means:
 * 1. a pending one from the pending index (admission's "one pending verification per client,
 *    destination and purpose"), under the current lookup key and every previous one while keys rotate;
 * 2. else the newest approved one of this client's verifications for that destination and purpose in
 *    the support index, so the right code stays re-checkable by destination while it is retained.
 * Expired, locked, canceled and failed ones are never found: someone who knows only a phone number
 * learns nothing from them, and has nothing to guess against. Destinations are compared by their
 * keyed hash only, as the store keeps them.
 */
export async function findByDestination(
  deps: GatewayDeps,
  client: ApiClient,
  rawTo: string,
  purpose: string,
): Promise<VerificationRecord> {
  const parsed = parseDestination(rawTo);
  if (!parsed.ok) {
    throw new ApiError('invalid_destination', 'Not a valid email address or E.164 phone number.', {
      field: 'to',
      reason: parsed.reason,
    });
  }
  const now = deps.now();
  const hashes = lookupHashes(deps.ring, canonicalDestination(parsed.destination.address));
  const mine = (record: VerificationRecord | null): record is VerificationRecord =>
    record !== null && record.client === client.name && record.purpose === purpose;

  // One round trip for the pending index under every hash (each key, and the hex form of before).
  const pending = await Promise.all(
    hashes.map((hash) => deps.admission.pendingId(client.name, hash, purpose)),
  );
  for (const id of pending) {
    const record = id === null ? null : await deps.store.get(id, now);
    // The index can outlive the pending state (a record reads as expired before its entry goes).
    if (mine(record) && record.status === 'pending') return record;
  }
  const indexed = hashes.map((hash) => ({ kind: 'destination' as const, hash }));
  for (const id of await deps.supportIndex.find(indexed, now - RETENTION_MS, 20)) {
    const record = await deps.store.get(id, now);
    if (mine(record) && record.status === 'approved') return record;
  }
  throw nothingForDestination();
}

/**
 * The one answer for "nothing to check for this destination": also what a refused check of an
 * approved verification found by destination answers, so a wrong guess cannot tell the two apart.
 */
export function nothingForDestination(): ApiError {
  return new ApiError('not_found', 'No verification for this destination (it may have expired).');
}

/**
 * `POST /v1/verifications/check` `{ to, code, purpose? }`: a check of the verification
 * `findByDestination` finds. A refused check of an approved one is a 404 like nothing found.
 */
export function checkByDestination(deps: GatewayDeps): RequestHandler {
  return async (req, res) => {
    const body = parseBody(checkByDestinationBody, req);
    const client = res.locals.client as ApiClient;
    const record = await findByDestination(deps, client, body.to, body.purpose ?? 'sign_in');
    const answer = await checkVerification(deps, record.id, client, body.code);
    // Counted against that verification's attempts, but answered as if nothing were there.
    if (refusedAfterApproval(answer.outcome)) throw nothingForDestination();
    res.json(presentCheck(answer));
  };
}
