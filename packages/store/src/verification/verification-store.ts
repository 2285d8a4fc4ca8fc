import { detailJson, positiveInteger, timestamp } from '../core/args.ts';
import type { RedisConnection } from '../core/connection.ts';
import { StoreError } from '../core/errors.ts';
import { DEFAULT_PREFIX, verificationKeys } from '../core/keys.ts';
import { loadScripts, scriptRunner } from '../core/scripts.ts';
import { sealedOf, storedSeal } from '../core/sealed.ts';
import type {
  CheckOutcome,
  DeliveryView,
  NewVerification,
  RefusalOutcome,
  RefusedStart,
  TimelineEvent,
  TransitionOutcome,
  VerificationRecord,
} from '../core/types.ts';
import { DEFAULT_REFUSAL_QUOTA, refusalRecorder } from '../refusal/refusal.ts';
import { type SendStore, sendMethods } from '../sends/sends.ts';
import { decodeSends } from '../sends/sends-doc.ts';
import { decodeTimeline, encodeEvent } from './events.ts';
import { decodeRecord, encodeNewVerification } from './record.ts';
import { parseCheckReply, parseDeliveryReply, parseTransitionReply } from './replies.ts';

const SCRIPTS = loadScripts(import.meta.url, ['create', 'check', 'finish', 'append', 'forDelivery']);

/**
 * Verification state in Redis: the record, its sends, its timeline and every status change. It is the only code
 * that writes them, and every change that reads-then-writes is one Lua script, so concurrent gateways
 * and workers never race (a burst of wrong codes cannot count past `maxAttempts`).
 *
 * The store never sees a code or a clear destination: callers pass the code's HMAC and blobs already
 * sealed by @sendcode/policy. Times are epoch milliseconds passed in by the caller (`nowMs`), so the
 * clock is the caller's and tests can move it.
 */
export interface VerificationStore extends SendStore {
  /**
   * Stores a new pending verification with a 'created' event and send 1 queued for plan step 0,
   * atomically. If the id is in use it writes nothing and throws `StoreError` with code `id_taken`.
   */
  create(v: NewVerification, nowMs: number): Promise<void>;
  /**
   * Records a refused start so support can see why, at a bounded cost (`refusal.ts`): one record per
   * client, destination, reason and rule per hour (`REFUSAL_WINDOW_MS`), already 'failed', with no code
   * and no sends, and a timeline of one 'refused' event (step 0, detail + reason); a repeat counts on
   * it (`refused.count`, `refused.lastAt`). Both are kept for the final-state retention from the latest
   * refusal. At most `refusalQuota` of them per client per hour: past that, nothing is kept
   * (`stored: false`). `check` on a refusal answers invalid and 'failed' without counting. Throws
   * `id_taken` if the refusal's id is held by a verification that is not a refusal.
   */
  recordRefusal(r: RefusedStart): Promise<RefusalOutcome>;
  /** The record, or null. A pending record past `expiresAt` reads as 'expired' (nothing is written). */
  get(id: string, nowMs: number): Promise<VerificationRecord | null>;
  /**
   * What a delivery job needs — the record (as `get` reads it), one send and the sealed plan — in one
   * command (`forDelivery.lua`); null when there is no record.
   */
  forDelivery(id: string, send: number, nowMs: number): Promise<DeliveryView | null>;
  /**
   * Atomic compare-and-count of a code's HMAC, for one API client (another's verification is not
   * found, and nothing of it is counted); see `check.lua`. Throws `invalid_argument` without a hash.
   */
  check(id: string, code: CodeToCheck, nowMs: number): Promise<CheckOutcome>;
  /** Pending → canceled. Final records are left alone; an expired pending one becomes 'expired'. */
  cancel(id: string, nowMs: number): Promise<TransitionOutcome>;
  /**
   * Pending → failed (every delivery option exhausted), with a 'delivery_failed' event carrying `detail`.
   * Like every move to a final status, it keeps the sends for the final-state retention.
   */
  markFailed(
    id: string,
    nowMs: number,
    detail: Readonly<Record<string, string | number | boolean>>,
  ): Promise<TransitionOutcome>;
  /** Appends an event to the timeline. No-op if the record is gone: it never resurrects a verification. */
  appendEvent(id: string, event: TimelineEvent): Promise<void>;
  /**
   * Deletes a verification, its sends and its timeline outright. Only for undoing a `create` whose first
   * delivery could not be queued: nothing was sent, so there is nothing worth keeping.
   */
  discard(id: string): Promise<void>;
  /** The timeline, oldest first; empty when there is none. Throws `malformed_event` on a bad entry. */
  timeline(id: string): Promise<TimelineEvent[]>;
  /**
   * The record (as `get` reads it) and its timeline as of one moment, in one transaction: a reader
   * never sees a final event beside a status still pending. Null when there is no record.
   */
  withTimeline(
    id: string,
    nowMs: number,
  ): Promise<{ record: VerificationRecord; timeline: TimelineEvent[] } | null>;
}

/** Who checks a code, and the code. */
export interface CodeToCheck {
  /** The API client checking. */
  readonly client: string;
  /**
   * The HMAC of the code typed under each key that may have made the stored one, the current key's
   * first: the record's `keyId` picks its key's, else the first is compared.
   */
  readonly hashes: readonly { readonly keyId: string; readonly hash: string }[];
}

/** Options of `createVerificationStore`. */
export interface VerificationStoreOptions {
  /** A connection the caller owns (and closes). Several stores may share one. */
  readonly redis: RedisConnection;
  /** Key prefix; default `sc`. */
  readonly prefix?: string;
  /** How long a record is kept once final, in seconds; default 86400 (24 h). */
  readonly retentionSeconds?: number;
  /** How long a timeline outlives the code's expiry, in seconds; default 604800 (7 days). */
  readonly timelineRetentionSeconds?: number;
  /** Distinct refused starts kept per API client per hour (`recordRefusal`); default 1000. */
  readonly refusalQuota?: number;
}

const DAY_SECONDS = 86_400;

/** Builds a verification store over `options.redis`. Throws `invalid_argument` on bad options. */
export function createVerificationStore(options: VerificationStoreOptions): VerificationStore {
  const { redis, prefix = DEFAULT_PREFIX } = options;
  const retention = positiveInteger('retentionSeconds', options.retentionSeconds ?? DAY_SECONDS);
  const timelineRetention = positiveInteger(
    'timelineRetentionSeconds',
    options.timelineRetentionSeconds ?? 7 * DAY_SECONDS,
  );
  const refusalQuota = positiveInteger('refusalQuota', options.refusalQuota ?? DEFAULT_REFUSAL_QUOTA);
  const run = scriptRunner(redis, SCRIPTS);
  const keysOf = (id: string) => verificationKeys(prefix, id);
  const allKeys = (id: string) => {
    const keys = keysOf(id);
    return [keys.record, keys.timeline, keys.sends];
  };

  return {
    ...sendMethods({ redis, keysOf, timelineRetention }),

    async create(v, nowMs) {
      const now = timestamp(nowMs);
      const { first, fields } = encodeNewVerification(v, now);
      const untilExpiry = Math.max(0, Math.ceil((v.expiresAt - now) / 1000));
      const args = [
        now,
        untilExpiry + retention,
        untilExpiry + timelineRetention,
        first.channel,
        first.to,
        v.sealedPlan === undefined ? '' : storedSeal(v.sealedPlan, v.keyId),
        ...fields,
      ];
      const created = await run('create', allKeys(v.id), args);
      if (created !== 1) throw new StoreError('id_taken', 'a verification with this id already exists');
    },

    recordRefusal: refusalRecorder({ redis, prefix, keysOf, retention, quota: refusalQuota }),

    async get(id, nowMs) {
      const now = timestamp(nowMs);
      return readRecord(id, await redis.hgetall(keysOf(id).record), now);
    },

    async forDelivery(id, send, nowMs) {
      const now = timestamp(nowMs);
      const keys = keysOf(id);
      const index = positiveInteger('send', send) - 1;
      const [fields, doc] = parseDeliveryReply(await run('forDelivery', [keys.record, keys.sends], []));
      const record = readRecord(id, fields, now);
      if (!record) return null;
      const { plan, sends } = decodeSends(doc);
      const sealedPlan = plan === undefined ? undefined : sealedOf(plan, record.keyId);
      return { record, send: sends[index] ?? null, sealedPlan };
    },

    async check(id, code, nowMs) {
      const now = timestamp(nowMs);
      if (code.hashes.length === 0) throw new StoreError('invalid_argument', 'a code hash is required');
      const hashes = code.hashes.flatMap(({ keyId, hash }) => [keyId, hash]);
      const args = [now, retention, timelineRetention, code.client, ...hashes];
      return parseCheckReply(await run('check', allKeys(id), args), (hash) => readRecord(id, hash, now));
    },

    async cancel(id, nowMs) {
      const args = [timestamp(nowMs), 'canceled', 'canceled', '', retention, timelineRetention];
      return parseTransitionReply(await run('finish', allKeys(id), args));
    },

    async markFailed(id, nowMs, detail) {
      const args = [
        timestamp(nowMs),
        'failed',
        'delivery_failed',
        detailJson(detail),
        retention,
        timelineRetention,
      ];
      return parseTransitionReply(await run('finish', allKeys(id), args));
    },

    async appendEvent(id, event) {
      const { record, timeline } = keysOf(id);
      await run('append', [record, timeline], [encodeEvent(event), timelineRetention]);
    },

    async discard(id) {
      await redis.del(...allKeys(id), keysOf(id).timelineList);
    },

    async timeline(id) {
      const keys = keysOf(id);
      // One round trip: both are sent before either answer is awaited.
      const [listed, joined] = await Promise.all([
        redis.lrange(keys.timelineList, 0, -1),
        redis.get(keys.timeline),
      ]);
      return decodeTimeline(listed, joined);
    },

    async withTimeline(id, nowMs) {
      const now = timestamp(nowMs);
      const keys = keysOf(id);
      // MULTI, not three reads: the keys share the id's slot, and a status change (one script) lands
      // either before all three or after them.
      const replies = await redis
        .multi()
        .hgetall(keys.record)
        .lrange(keys.timelineList, 0, -1)
        .get(keys.timeline)
        .exec();
      const [hash, listed, joined] = (replies ?? []).map(([error, reply]) => {
        if (error) throw error;
        return reply;
      }) as [Record<string, string>, string[], string | null];
      const record = readRecord(id, hash ?? {}, now);
      return record && { record, timeline: decodeTimeline(listed ?? [], joined ?? null) };
    },
  };
}

/** A record from its `HGETALL` reply (null when empty); a pending one past `expiresAt` reads as 'expired'. */
function readRecord(
  id: string,
  hash: Readonly<Record<string, string>>,
  now: number,
): VerificationRecord | null {
  if (Object.keys(hash).length === 0) return null;
  const record = decodeRecord(id, hash);
  return record.status === 'pending' && now >= record.expiresAt ? { ...record, status: 'expired' } : record;
}
