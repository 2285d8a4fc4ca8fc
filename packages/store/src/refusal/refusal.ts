import { createHash } from 'node:crypto';
import { hashTag, nonEmpty, timestamp } from '../core/args.ts';
import type { RedisConnection } from '../core/connection.ts';
import { malformed, StoreError } from '../core/errors.ts';
import type { VerificationKeys } from '../core/keys.ts';
import { loadScripts, scriptRunner } from '../core/scripts.ts';
import type { RefusalOutcome, RefusedStart } from '../core/types.ts';
import { parseInteger } from '../core/values.ts';
import { encodeEvent } from '../verification/events.ts';
import { encodePlan } from '../verification/record.ts';

const SCRIPTS = loadScripts(import.meta.url, ['refuse', 'refusalQuota']);

/**
 * Refused starts at a bounded cost. A flood of refused starts must not fill Redis, yet support must
 * still see "refused N times, and why". So:
 * - one record per client, destination, reason and rule per window: repeats count on it (count,
 *   first and latest time) instead of storing another record, timeline and index entry;
 * - at most `quota` such records per client per window, so refused starts to ever new destinations
 *   (a blocked country, a full IP limit) cannot fill Redis either: past it a refusal is answered and
 *   counted in metrics as always, but not kept;
 * - record and timeline are kept for the final-state retention from the latest refusal; the timeline
 *   no longer outlives the record, since nothing reads a refusal's timeline without it.
 */

/** How long repeats of one refusal count on one record: a UTC hour. Changing it only starts new records. */
export const REFUSAL_WINDOW_MS = 3_600_000;

/** Distinct refusals kept per client and window, unless the store is given another quota. */
export const DEFAULT_REFUSAL_QUOTA = 1_000;

/**
 * The id of the refusal of `r`'s client, destination, reason and rule in the window starting at
 * `windowStart`: a hash, so repeats find the same record, the record's keys share its slot (`{id}`),
 * and it reads like any verification id. `lookupHash` is keyed, so the id cannot be guessed from a
 * phone number.
 */
export function refusalId(r: RefusedStart, windowStart: number): string {
  const identity = JSON.stringify([r.client, r.lookupHash, r.reason, r.rule, windowStart]);
  return `ver_${createHash('sha256').update(identity).digest('hex').slice(0, 32)}`;
}

/** Key of a client's refusal quota for one window: `${prefix}:rq:{${client}}:${windowStart}`, an integer. */
export function refusalQuotaKey(prefix: string, client: string, windowStart: number): string {
  return `${prefix}:rq:{${hashTag('client', client)}}:${windowStart}`;
}

/**
 * How a refused start is written: a record hash in the layout of `record.ts`, already 'failed', with
 * no code (`codeHash` empty, `maxAttempts` 0, so a check answers invalid without counting and nothing
 * can advance it) and `refusedReason` (`refuse.lua` adds `refusedCount` and `refusedLastAt`); and
 * its one 'refused' event, on step 0 of the plan, whose detail is the caller's plus `reason`.
 */
export function encodeRefusal(r: RefusedStart): { readonly fields: string[]; readonly event: string } {
  const now = timestamp(r.nowMs);
  const first = r.planMasked[0];
  if (first === undefined) throw new StoreError('invalid_argument', 'planMasked must have at least one step');
  nonEmpty('rule', r.rule);
  nonEmpty('lookupHash', r.lookupHash);
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

/** What `refusalRecorder` needs of the store. */
export interface RefusalRecorderDeps {
  readonly redis: RedisConnection;
  readonly prefix: string;
  readonly keysOf: (id: string) => VerificationKeys;
  /** Seconds a refusal is kept after the latest start it counts. */
  readonly retention: number;
  /** Distinct refusals kept per client and window. */
  readonly quota: number;
}

type RefuseReply =
  | { readonly kind: 'created' | 'counted'; readonly count: number; readonly createdAt: number }
  | { readonly kind: 'absent' }
  | { readonly kind: 'taken' };

/**
 * `recordRefusal` of the verification store. A repeat is one script on the refusal's slot. A new
 * refusal takes a slot of the client's quota (the client's slot) before it is created, so it is
 * three steps, each atomic: should two requests create the same refusal at once, one creates it,
 * the other counts on it and gives its quota slot back.
 */
export function refusalRecorder(deps: RefusalRecorderDeps): (r: RefusedStart) => Promise<RefusalOutcome> {
  const { redis, prefix, keysOf, retention, quota } = deps;
  const run = scriptRunner(redis, SCRIPTS);
  return async (r) => {
    const { fields, event } = encodeRefusal(r);
    const now = r.nowMs;
    const windowStart = now - (now % REFUSAL_WINDOW_MS);
    const quotaKey = refusalQuotaKey(prefix, r.client, windowStart);
    const id = refusalId(r, windowStart);
    const { record, timeline, sends } = keysOf(id);
    const write = async (create: boolean) =>
      parseRefuseReply(
        await run('refuse', [record, timeline, sends], [now, retention, create ? 1 : 0, event, ...fields]),
      );
    const takeQuota = async (delta: 1 | -1) => {
      const reply = await run('refusalQuota', [quotaKey], [delta, (2 * REFUSAL_WINDOW_MS) / 1000]);
      if (typeof reply !== 'number') throw malformed('refusalQuota');
      return reply;
    };

    let reply = await write(false);
    if (reply.kind === 'absent') {
      const taken = await takeQuota(1);
      if (taken > quota) return { stored: false, dropped: taken - quota };
      reply = await write(true);
      if (reply.kind === 'counted') await takeQuota(-1);
    }
    if (reply.kind === 'taken') {
      throw new StoreError('id_taken', 'a verification with the refusal id already exists');
    }
    // Asked to create, the script either creates or counts.
    if (reply.kind === 'absent') throw malformed('refuse');
    return {
      stored: true,
      id,
      count: reply.count,
      firstAt: reply.createdAt,
      retainedUntil: windowStart + REFUSAL_WINDOW_MS + retention * 1000,
    };
  };
}

function parseRefuseReply(reply: unknown): RefuseReply {
  if (!Array.isArray(reply)) throw malformed('refuse');
  const [status, count, createdAt]: unknown[] = reply;
  if (reply.length === 1 && status === 0) return { kind: 'absent' };
  if (reply.length === 1 && status === -1) return { kind: 'taken' };
  const created = typeof createdAt === 'string' ? parseInteger(createdAt) : null;
  if (reply.length !== 3 || (status !== 1 && status !== 2) || typeof count !== 'number' || created === null) {
    throw malformed('refuse');
  }
  return { kind: status === 1 ? 'created' : 'counted', count, createdAt: created };
}
