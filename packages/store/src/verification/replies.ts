import { malformed } from '../core/errors.ts';
import type { CheckOutcome, TransitionOutcome, VerificationRecord } from '../core/types.ts';
import { isStatus } from '../core/values.ts';

/** Parsers for the scripts' replies: anything unexpected throws `malformed_reply`. */

function flag(value: unknown, script: string): boolean {
  if (value === 0 || value === 1) return value === 1;
  throw malformed(script);
}

/**
 * `false` (nil) or `{ valid, status, remainingAttempts, transitioned, the record's HGETALL }`, the
 * record read by `read`.
 */
export function parseCheckReply(
  reply: unknown,
  read: (hash: Record<string, string>) => VerificationRecord | null,
): CheckOutcome {
  if (reply === null) return { found: false };
  if (!Array.isArray(reply) || reply.length !== 5) throw malformed('check');
  const [valid, status, remainingAttempts, transitioned, flat]: unknown[] = reply;
  const record = read(hashOf(flat, 'check'));
  if (!isStatus(status) || typeof remainingAttempts !== 'number' || record === null) throw malformed('check');
  return {
    found: true,
    valid: flag(valid, 'check'),
    status,
    remainingAttempts,
    transitioned: flag(transitioned, 'check'),
    record,
  };
}

/** `false` (nil) or `{ status, transitioned }`. */
export function parseTransitionReply(reply: unknown): TransitionOutcome {
  if (reply === null) return { found: false };
  if (!Array.isArray(reply) || reply.length !== 2) throw malformed('finish');
  const [status, transitioned] = reply;
  if (!isStatus(status)) throw malformed('finish');
  return { found: true, status, transitioned: flag(transitioned, 'finish') };
}

/** `{ HGETALL's flat field/value array, the sends document or false }`, as a hash and the document or null. */
export function parseDeliveryReply(reply: unknown): [Record<string, string>, string | null] {
  if (!Array.isArray(reply) || reply.length !== 2) throw malformed('forDelivery');
  const [flat, doc]: unknown[] = reply;
  if (doc !== null && typeof doc !== 'string') throw malformed('forDelivery');
  return [hashOf(flat, 'forDelivery'), doc];
}

/** A hash from a script's copy of an `HGETALL` reply (field, value, ...). */
function hashOf(flat: unknown, script: string): Record<string, string> {
  if (!Array.isArray(flat) || flat.length % 2 !== 0) throw malformed(script);
  const hash: Record<string, string> = {};
  for (let i = 0; i < flat.length; i += 2) {
    const [field, value]: unknown[] = [flat[i], flat[i + 1]];
    if (typeof field !== 'string' || typeof value !== 'string') throw malformed(script);
    hash[field] = value;
  }
  return hash;
}
