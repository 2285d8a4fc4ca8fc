import { checkBody } from '@sendcode/contract';
import { hashCode, normalizeCodeInput } from '@sendcode/policy';
import type { CheckOutcome, VerificationRecord } from '@sendcode/store';
import type { RequestHandler } from 'express';
import type { ApiClient } from '../auth.ts';
import type { GatewayDeps } from '../deps.ts';
import { ApiError } from '../errors.ts';
import type { CheckResult } from '../metrics.ts';
import { parseBody } from '../validate.ts';
import { noSuchVerification, pathVerificationId } from '../verifications/read-cancel.ts';

const FORMAT_MESSAGES = {
  empty: 'The code is empty.',
  not_digits: 'A code is digits only (spaces and hyphens are ignored).',
  too_long: 'The code is longer than any code we send.',
} as const;

/**
 * `POST /v1/verifications/{id}/checks`. The input is normalised first (full-width digits, spaces,
 * hyphens); input that is not a code at all is a 400 and does not cost the user an attempt. The
 * compare-and-count itself is one atomic script in the store, which counts a wrong code whatever the
 * status, and finds only the caller's own verifications. A refused check of an approved verification
 * is a 409 `verification_not_pending`.
 */
export function checkCode(deps: GatewayDeps): RequestHandler {
  return async (req, res) => {
    const body = parseBody(checkBody, req);
    const id = pathVerificationId(req.params.id);
    const answer = await checkVerification(deps, id, res.locals.client as ApiClient, body.code);
    if (refusedAfterApproval(answer.outcome)) throw verificationOver(answer.outcome.remainingAttempts);
    res.json(presentCheck(answer));
  };
}

/**
 * A refused check of an approved verification: a wrong code, or the right one once the attempts are
 * used up. It must not be answered with status `approved`: code ported from Twilio tests the status
 * alone, and would take the wrong code for a pass.
 */
export function refusedAfterApproval(outcome: CheckAnswer['outcome']): boolean {
  return outcome.status === 'approved' && !outcome.valid;
}

/** The native answer to `refusedAfterApproval` by id: a 409 that does not name the status. */
function verificationOver(remainingAttempts: number): ApiError {
  return new ApiError('verification_not_pending', 'This verification is already over; start a new one.', {
    remainingAttempts,
  });
}

/** What one check did: the store's outcome, and the record as it was before the check. */
export interface CheckAnswer {
  readonly record: VerificationRecord;
  readonly outcome: Extract<CheckOutcome, { found: true }>;
}

/**
 * Checks `code` against verification `id` of `client`: normalise, compare-and-count, metrics and
 * the fraud guard's conversion tracking. Another client's verification is not found, exactly like a
 * missing one, and nothing of it is counted. Shared by every check route (native by id and by
 * destination, Twilio Verify's VerificationCheck).
 */
export async function checkVerification(
  deps: GatewayDeps,
  id: string,
  client: ApiClient,
  code: string,
): Promise<CheckAnswer> {
  const input = normalizeCodeInput(code);
  if (!input.ok) throw new ApiError('invalid_code_format', FORMAT_MESSAGES[input.reason], { field: 'code' });

  const now = deps.now();
  // The store compares the hash under the key that made the stored one: the current key, or a
  // previous one during a rotation. The record names it, so every key's goes along.
  const keys = [deps.ring.current, ...deps.ring.previous];
  const hashes = keys.map((key) => ({ keyId: key.id, hash: hashCode(key.codeHmac, id, input.code) }));
  const outcome = await deps.store.check(id, { client: client.name, hashes }, now);
  if (!outcome.found) throw noSuchVerification();
  const { record } = outcome;
  count(deps, outcome, now);
  if (outcome.transitioned && outcome.status === 'approved' && record.numberPrefix) {
    // The fraud guard's conversion tracking: a confirmed code means real people behind this client's
    // traffic to this range (counted for this client only: it vouches for no one else's).
    const window = deps.engine.config.settings.fraud.conversion.windowSeconds * 1000;
    await deps.prefixGuard.recordApproval(record.numberPrefix, record.client, now, window);
  }
  return { record, outcome };
}

/** The native API's check answer. */
export function presentCheck({ record, outcome }: CheckAnswer) {
  return {
    id: record.id,
    valid: outcome.valid,
    status: outcome.status,
    remainingAttempts: outcome.remainingAttempts,
  };
}

function count(deps: GatewayDeps, outcome: Extract<CheckOutcome, { found: true }>, now: number) {
  deps.metrics.checked(checkResult(outcome));
  if (!outcome.transitioned || outcome.status === 'pending') return;
  deps.engine.metrics.completed(outcome.status);
  if (outcome.status === 'approved') {
    deps.metrics.verified(outcome.record.channel, (now - outcome.record.createdAt) / 1000);
  }
}

/**
 * A wrong code is `invalid` even when it is the one that locks, and after approval; `locked` is a
 * check of a locked verification.
 */
function checkResult(outcome: Extract<CheckOutcome, { found: true }>): CheckResult {
  if (outcome.valid) return 'valid';
  if (outcome.status === 'expired') return 'expired';
  if (outcome.status === 'locked' && !outcome.transitioned) return 'locked';
  return 'invalid';
}
