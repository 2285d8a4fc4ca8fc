import type { VerificationStatus } from '@sendcode/policy';
import { StoreError } from '../core/errors.ts';
import type { AdvanceOutcome, ReceiptOutcome } from '../core/types.ts';
import { isStatus, parseStored } from '../core/values.ts';
import { decodeSend } from './sends-doc.ts';

/** Parsers for the send scripts' replies: anything unexpected throws `malformed_reply`. */

function malformed(script: string): StoreError {
  return new StoreError('malformed_reply', `unexpected reply from the ${script} script`);
}

/** `'recorded' | 'already_accepted' | 'gone'`; `'wrong_send'` is the caller's mistake. */
export function parseAcceptedReply(reply: unknown): 'recorded' | 'already_accepted' | 'gone' {
  switch (reply) {
    case 'recorded':
    case 'already_accepted':
    case 'gone':
      return reply;
    case 'wrong_send':
      throw new StoreError('invalid_argument', "the event's step and channel must be those of the send");
    default:
      throw malformed('markAccepted');
  }
}

/** `{ 'ok', send }`, `{ reason }`, `{ 'not_pending', status }`, `{ 'cooldown', ms }`; `invalid_step` throws. */
export function parseAdvanceReply(reply: unknown): AdvanceOutcome {
  if (!Array.isArray(reply)) throw malformed('advance');
  const [kind, value]: unknown[] = reply;
  const single = reply.length === 1;
  if (kind === 'ok' && typeof value === 'number' && reply.length === 2) return { ok: true, send: value };
  if (kind === 'not_pending' && isStatus(value) && reply.length === 2) {
    const status: VerificationStatus = value;
    return { ok: false, reason: 'not_pending', status };
  }
  if (kind === 'cooldown' && typeof value === 'number' && reply.length === 2) {
    return { ok: false, reason: 'cooldown', retryAfterMs: value };
  }
  if (single && kind === 'gone') return { ok: false, reason: 'gone' };
  if (single && (kind === 'expired' || kind === 'superseded' || kind === 'send_limit')) {
    return { ok: false, reason: kind };
  }
  if (single && kind === 'invalid_step') {
    throw new StoreError('invalid_argument', 'step must be a step of the plan, with its channel');
  }
  throw malformed('advance');
}

/** `{ 'recorded', current, the send's stored JSON array }` or `{ 'duplicate' | 'unknown' | 'mismatch' | 'queued' | 'replayed' }`. */
export function parseReceiptReply(reply: unknown, send: number): ReceiptOutcome {
  if (!Array.isArray(reply)) throw malformed('receipt');
  const [result, current, json]: unknown[] = reply;
  if (result === 'recorded' && (current === 0 || current === 1) && typeof json === 'string') {
    return {
      result,
      current: current === 1,
      send: decodeSend(send, parseStored(json, 'malformed_send', 'the receipt reply')),
    };
  }
  const refused =
    result === 'duplicate' ||
    result === 'unknown' ||
    result === 'mismatch' ||
    result === 'queued' ||
    result === 'replayed';
  if (reply.length === 1 && refused) return { result };
  throw malformed('receipt');
}
