import { nonEmpty, nonNegativeInteger, positiveInteger, timestamp } from '../core/args.ts';
import type { RedisConnection } from '../core/connection.ts';
import { malformed } from '../core/errors.ts';
import { DEFAULT_PREFIX } from '../core/keys.ts';
import { loadScripts, scriptRunner } from '../core/scripts.ts';
import { type DeliveryJob, deliveryJobId } from '../queues/queues.ts';

const SCRIPTS = loadScripts(import.meta.url, ['claimDue']);

/**
 * Receipt timeouts: the accepted SMS and calls (and carrier mail) waiting for a sign of delivery, each
 * with the time after which the plan moves on without one. One sorted set holds them all (member: the
 * send, score: when it is due); a receipt removes its send's entry, and the workers' sweeper claims the
 * entries that came due. An entry costs one ZADD and one ZREM and about 80 bytes, where a delayed
 * BullMQ job cost ~1 KB and dozens of commands for what is nearly always a no-op.
 *
 * At least once: `claim` leases the entries it returns (their due time moves to the lease's end), so a
 * sweeper that dies before `cancel` leaves them to come due again; concurrent sweepers never claim one
 * entry at the same time while its lease runs.
 */
export interface ReceiptDue {
  /**
   * Schedules the "no receipt yet?" check of an accepted send at `dueAtMs`; a second call keeps the
   * first time. True when the entry is new.
   */
  schedule(job: DeliveryJob, dueAtMs: number): Promise<boolean>;
  /** Drops a send's entry: its receipt came, or its check ran. Nothing when there is none. */
  cancel(job: DeliveryJob): Promise<void>;
  /**
   * Up to `limit` sends due at `nowMs`, oldest first, each leased for `leaseMs`: it comes due again
   * then unless `cancel` removes it first.
   */
  claim(nowMs: number, leaseMs: number, limit: number): Promise<DeliveryJob[]>;
  /** Sends waiting for a receipt (entries in the set, due or not). */
  size(): Promise<number>;
}

/** Options of `createReceiptDue`. */
export interface ReceiptDueOptions {
  /** A connection the caller owns (and closes). */
  readonly redis: RedisConnection;
  /** Key prefix; default `sc`. */
  readonly prefix?: string;
}

/**
 * Key of the due set: `${prefix}:rd`, a ZSET of `<verificationId>-<step>-<send>` → due epoch ms. One
 * key, so its own slot on a cluster (every command and the claim script touch this key only).
 */
export function receiptDueKey(prefix: string): string {
  return `${prefix}:rd`;
}

const MEMBER = /^(.+)-(\d+)-(\d+)$/;

/** The job a member names, or undefined for one this module did not write. */
function decodeMember(member: string): DeliveryJob | undefined {
  const match = MEMBER.exec(member);
  if (!match) return undefined;
  const [, verificationId = '', step = '', send = ''] = match;
  const job = { verificationId, step: Number(step), send: Number(send) };
  return Number.isSafeInteger(job.step) && Number.isSafeInteger(job.send) && job.send > 0 ? job : undefined;
}

/** The member naming a send, in the due set and the send watch: its job id. */
export function encodeMember(job: DeliveryJob): string {
  nonEmpty('verificationId', job.verificationId);
  nonNegativeInteger('step', job.step);
  positiveInteger('send', job.send);
  return deliveryJobId(job);
}

/** Builds the due set over `options.redis`. Every method throws `invalid_argument` on bad input. */
export function createReceiptDue(options: ReceiptDueOptions): ReceiptDue {
  const { redis, prefix = DEFAULT_PREFIX } = options;
  const key = receiptDueKey(prefix);
  const claimDue = dueClaimer(redis);
  return {
    async schedule(job, dueAtMs) {
      return (await redis.zadd(key, 'NX', timestamp(dueAtMs), encodeMember(job))) === 1;
    },

    async cancel(job) {
      await redis.zrem(key, encodeMember(job));
    },

    claim(nowMs, leaseMs, limit) {
      return claimDue(key, nowMs, leaseMs, limit);
    },

    async size() {
      return redis.zcard(key);
    },
  };
}

/** Claims up to `limit` sends due at `nowMs` in the ZSET at `key`, each leased for `leaseMs`. */
export type DueClaimer = (
  key: string,
  nowMs: number,
  leaseMs: number,
  limit: number,
) => Promise<DeliveryJob[]>;

/**
 * The claimer of the due set and the send watch over `redis`: it takes the sends due in either, oldest
 * first, leasing each (`claimDue.lua`).
 */
export function dueClaimer(redis: RedisConnection): DueClaimer {
  const run = scriptRunner(redis, SCRIPTS);
  return async (key, nowMs, leaseMs, limit) => {
    const now = timestamp(nowMs);
    const args = [now, now + positiveInteger('leaseMs', leaseMs), positiveInteger('limit', limit)];
    const reply = await run('claimDue', [key], args);
    if (!Array.isArray(reply)) throw malformed('claimDue');
    const jobs: DeliveryJob[] = [];
    const strays: string[] = [];
    for (const member of reply) {
      if (typeof member !== 'string') throw malformed('claimDue');
      const job = decodeMember(member);
      if (job) jobs.push(job);
      else strays.push(member);
    }
    // Nothing here wrote them and nothing could run them: drop them rather than claim them forever.
    if (strays.length > 0) await redis.zrem(key, ...strays);
    return jobs;
  };
}
