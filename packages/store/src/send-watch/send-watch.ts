import { hashTag, timestamp } from '../core/args.ts';
import type { RedisConnection } from '../core/connection.ts';
import { malformed } from '../core/errors.ts';
import { DEFAULT_PREFIX } from '../core/keys.ts';
import { loadScripts, scriptRunner } from '../core/scripts.ts';
import type { DeliveryJob } from '../queues/queues.ts';
import { dueClaimer, encodeMember, receiptDueKey } from '../receipt-due/receipt-due.ts';

const SCRIPTS = loadScripts(import.meta.url, ['sendAccepted']);

/**
 * The send watch: the sends recorded lately and not yet seen through. Recording a send (in its
 * verification's slot) and adding its job (in the queues' slot) are two writes, as are accepting a
 * send and scheduling its receipt timeout: a failure or a crash between them would leave a send
 * `queued` with no job, or `accepted` with no timeout, and the user waiting until the code expires.
 * So a send is watched *before* it is recorded (a write ahead: a crash after it leaves an entry
 * that names a send that may not exist, which the reconciler drops), and leaves the watch when its
 * provider accepted it and its receipt timeout is scheduled, both in one script (`accepted`). What
 * is still watched after a few seconds is looked at by the workers' reconciler, which adds a missing
 * job or schedules a missing timeout.
 *
 * The set holds what is in flight: sends waiting for a worker (a backlog) or retrying, and for a
 * moment each send between its record and its acceptance; about 80 bytes an entry. Its members are
 * the sends' job ids, like the due set's.
 */
export interface SendWatch {
  /** Watches a send about to be recorded; the reconciler first looks at it at `checkAtMs`. A second call keeps the first time. */
  watch(job: DeliveryJob, checkAtMs: number): Promise<void>;
  /**
   * The send was accepted by its provider: schedules its receipt timeout at `receiptDueAtMs` (unless
   * it waits for no receipt: undefined) and stops watching it, in one step (`sendAccepted.lua`).
   */
  accepted(job: DeliveryJob, receiptDueAtMs: number | undefined): Promise<void>;
  /** Up to `limit` sends to look at by `nowMs`, oldest first, each leased for `leaseMs`. */
  claim(nowMs: number, leaseMs: number, limit: number): Promise<DeliveryJob[]>;
  /** Looks at a watched send again at `atMs`; nothing when it left the watch meanwhile. */
  recheck(job: DeliveryJob, atMs: number): Promise<void>;
  /** Stops watching a send. */
  drop(job: DeliveryJob): Promise<void>;
  /** Sends watched. */
  size(): Promise<number>;
}

/** Options of `createSendWatch`. */
export interface SendWatchOptions {
  /** A connection the caller owns (and closes). */
  readonly redis: RedisConnection;
  /** Key prefix; default `sc`. */
  readonly prefix?: string;
}

/**
 * Key of the send watch: `{${prefix}:rd}:sw`, a ZSET of `<verificationId>-<step>-<send>` → when to
 * look at it (epoch ms). Its hash tag is the receipt due set's key (`${prefix}:rd`, which has no tag
 * and so hashes whole), so the two share a slot and `accepted` may touch both in one script.
 */
export function sendWatchKey(prefix: string): string {
  return `{${hashTag('prefix', receiptDueKey(prefix))}}:sw`;
}

/** Builds the send watch over `options.redis`. Every method throws `invalid_argument` on bad input. */
export function createSendWatch(options: SendWatchOptions): SendWatch {
  const { redis, prefix = DEFAULT_PREFIX } = options;
  const key = sendWatchKey(prefix);
  const dueKey = receiptDueKey(prefix);
  const run = scriptRunner(redis, SCRIPTS);
  const claimDue = dueClaimer(redis);
  return {
    async watch(job, checkAtMs) {
      await redis.zadd(key, 'NX', timestamp(checkAtMs), encodeMember(job));
    },

    async accepted(job, receiptDueAtMs) {
      const due = receiptDueAtMs === undefined ? '' : timestamp(receiptDueAtMs);
      const reply = await run('sendAccepted', [dueKey, key], [encodeMember(job), due]);
      if (reply !== 0 && reply !== 1) throw malformed('sendAccepted');
    },

    claim(nowMs, leaseMs, limit) {
      return claimDue(key, nowMs, leaseMs, limit);
    },

    async recheck(job, atMs) {
      await redis.zadd(key, 'XX', timestamp(atMs), encodeMember(job));
    },

    async drop(job) {
      await redis.zrem(key, encodeMember(job));
    },

    async size() {
      return redis.zcard(key);
    },
  };
}
