import type { ChannelName } from '@sendcode/policy';
import type { Redis } from 'ioredis';
import { StoreError } from './errors.ts';
import { decodeEvent, encodeEvent } from './events.ts';
import { DEFAULT_PREFIX, verificationKeys } from './keys.ts';
import { decodeRecord, encodeNewVerification } from './record.ts';
import { parseCheckReply, parseTransitionReply } from './replies.ts';
import { scriptRunner } from './scripts.ts';
import type {
  CheckOutcome,
  NewVerification,
  TimelineEvent,
  TransitionOutcome,
  VerificationRecord,
} from './types.ts';
import { isDetailValue } from './values.ts';

/**
 * Verification state in Redis: the record, its timeline and every status change. It is the only code
 * that writes them, and every change that reads-then-writes is one Lua script, so concurrent gateways
 * and workers never race (a burst of wrong codes cannot count past `maxAttempts`).
 *
 * The store never sees a code or a clear destination: callers pass the code's HMAC and blobs already
 * sealed by @sendcode/policy. Times are epoch milliseconds passed in by the caller (`nowMs`), so the
 * clock is the caller's and tests can move it.
 */
export interface VerificationStore {
  /**
   * Stores a new pending verification with a 'created' event, atomically. If the id is in use it
   * writes nothing and throws `StoreError` with code `id_taken`.
   */
  create(v: NewVerification, nowMs: number): Promise<void>;
  /** The record, or null. A pending record past `expiresAt` reads as 'expired' (nothing is written). */
  get(id: string, nowMs: number): Promise<VerificationRecord | null>;
  /** Atomic compare-and-count of a code's HMAC; see `lua/check.lua`. */
  check(id: string, codeHash: string, nowMs: number): Promise<CheckOutcome>;
  /** Pending → canceled. Final records are left alone; an expired pending one becomes 'expired'. */
  cancel(id: string, nowMs: number): Promise<TransitionOutcome>;
  /** Pending → failed (every delivery option exhausted), with a 'delivery_failed' event carrying `detail`. */
  markFailed(
    id: string,
    nowMs: number,
    detail: Readonly<Record<string, string | number | boolean>>,
  ): Promise<TransitionOutcome>;
  /** Appends a 'sent' event and moves the record's `step` and `channel` to it. No-op if the record is gone. */
  recordSent(id: string, event: SentEvent): Promise<void>;
  /** Appends an event to the timeline. No-op if the record is gone: it never resurrects a verification. */
  appendEvent(id: string, event: TimelineEvent): Promise<void>;
  /**
   * Deletes a verification and its timeline outright. Only for undoing a `create` whose first
   * delivery could not be queued: nothing was sent, so there is nothing worth keeping.
   */
  discard(id: string): Promise<void>;
  /** The timeline, oldest first; empty when there is none. Throws `malformed_event` on a bad entry. */
  timeline(id: string): Promise<TimelineEvent[]>;
}

/** A 'sent' event: it must say which plan step went out, on which channel. */
export type SentEvent = TimelineEvent & {
  readonly type: 'sent';
  readonly step: number;
  readonly channel: ChannelName;
};

/** Options of `createVerificationStore`. */
export interface VerificationStoreOptions {
  /** A connection the caller owns (and closes). Several stores may share one. */
  readonly redis: Redis;
  /** Key prefix; default `sc`. */
  readonly prefix?: string;
  /** How long a record is kept once final, in seconds; default 86400 (24 h). */
  readonly retentionSeconds?: number;
  /** How long a timeline outlives the code's expiry, in seconds; default 604800 (7 days). */
  readonly timelineRetentionSeconds?: number;
}

const DAY_SECONDS = 86_400;

function positiveInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new StoreError('invalid_argument', `${name} must be a positive integer`);
  }
  return value;
}

function timestamp(nowMs: number): number {
  if (!Number.isSafeInteger(nowMs) || nowMs < 0)
    throw new StoreError('invalid_argument', 'nowMs must be epoch ms');
  return nowMs;
}

/** Builds a verification store over `options.redis`. Throws `invalid_argument` on bad options. */
export function createVerificationStore(options: VerificationStoreOptions): VerificationStore {
  const { redis, prefix = DEFAULT_PREFIX } = options;
  const retention = positiveInteger('retentionSeconds', options.retentionSeconds ?? DAY_SECONDS);
  const timelineRetention = positiveInteger(
    'timelineRetentionSeconds',
    options.timelineRetentionSeconds ?? 7 * DAY_SECONDS,
  );
  const run = scriptRunner(redis);
  const keysOf = (id: string) => {
    const keys = verificationKeys(prefix, id);
    return [keys.record, keys.timeline] as const;
  };

  const append = async (id: string, event: TimelineEvent, fields: readonly string[]) => {
    await run('append', keysOf(id), [encodeEvent(event), timelineRetention, ...fields]);
  };

  return {
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
        ...fields,
      ];
      const created = await run('create', keysOf(v.id), args);
      if (created !== 1) throw new StoreError('id_taken', 'a verification with this id already exists');
    },

    async get(id, nowMs) {
      const now = timestamp(nowMs);
      const hash = await redis.hgetall(keysOf(id)[0]);
      if (Object.keys(hash).length === 0) return null;
      const record = decodeRecord(hash);
      return record.status === 'pending' && now >= record.expiresAt
        ? { ...record, status: 'expired' }
        : record;
    },

    async check(id, codeHash, nowMs) {
      const reply = await run('check', keysOf(id), [
        codeHash,
        timestamp(nowMs),
        retention,
        timelineRetention,
      ]);
      return parseCheckReply(reply);
    },

    async cancel(id, nowMs) {
      const args = [timestamp(nowMs), 'canceled', 'canceled', '', retention, timelineRetention];
      return parseTransitionReply(await run('finish', keysOf(id), args));
    },

    async markFailed(id, nowMs, detail) {
      if (!Object.values(detail).every(isDetailValue)) {
        throw new StoreError('invalid_argument', 'detail values must be strings, finite numbers or booleans');
      }
      const detailJson = Object.keys(detail).length === 0 ? '' : JSON.stringify(detail);
      const args = [timestamp(nowMs), 'failed', 'delivery_failed', detailJson, retention, timelineRetention];
      return parseTransitionReply(await run('finish', keysOf(id), args));
    },

    async recordSent(id, event) {
      await append(id, event, [
        'step',
        String(event.step),
        'channel',
        event.channel,
        'updatedAt',
        String(event.at),
      ]);
    },

    async appendEvent(id, event) {
      await append(id, event, []);
    },

    async discard(id) {
      await redis.del(...keysOf(id));
    },

    async timeline(id) {
      const entries = await redis.lrange(keysOf(id)[1], 0, -1);
      return entries.map(decodeEvent);
    },
  };
}
