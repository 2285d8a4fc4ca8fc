import { nonEmpty, timestamp } from './args.ts';
import { StoreError } from './errors.ts';
import { encodeEvent } from './events.ts';
import { encodePlan } from './record.ts';
import type { RefusedStart } from './types.ts';

/**
 * How a refused start is written: a record hash in the layout of `record.ts`, already 'failed', with
 * no code (`codeHash` empty, `maxAttempts` 0, so a check answers invalid without counting and nothing
 * can advance it) and `refusedReason`; and its one 'refused' event, on step 0 of the plan, whose detail
 * is the caller's plus `reason`.
 */
export function encodeRefusal(r: RefusedStart): { readonly fields: string[]; readonly event: string } {
  const now = timestamp(r.nowMs);
  const first = r.planMasked[0];
  if (first === undefined) throw new StoreError('invalid_argument', 'planMasked must have at least one step');
  const fields: Record<string, string | number | undefined> = {
    client: r.client,
    status: 'failed',
    planMasked: encodePlan(r.planMasked),
    codeHash: '',
    codeLength: 0,
    locale: '',
    brand: '',
    purpose: r.purpose,
    accountRef: r.accountRef,
    ttlSeconds: 0,
    createdAt: now,
    expiresAt: now,
    updatedAt: now,
    lastSendAt: now,
    attempts: 0,
    maxAttempts: 0,
    sends: 0,
    step: 0,
    channel: first.channel,
    refusedReason: nonEmpty('reason', r.reason),
  };
  const event = encodeEvent({
    at: now,
    type: 'refused',
    step: 0,
    channel: first.channel,
    to: first.to,
    detail: { ...r.detail, reason: r.reason },
  });
  const pairs = Object.entries(fields).flatMap(([name, value]) =>
    value === undefined ? [] : [name, String(value)],
  );
  return { fields: pairs, event };
}
