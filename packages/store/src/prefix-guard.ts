import { hashTag, positiveInteger, timestamp } from './args.ts';
import type { RedisConnection } from './connection.ts';
import { StoreError } from './errors.ts';
import { DEFAULT_PREFIX } from './keys.ts';
import { malformed } from './replies.ts';
import { scriptRunner } from './scripts.ts';
import { parseInteger } from './values.ts';

/**
 * Automatic blocking of number prefixes that look pumped (SMS/voice traffic pumping: many codes sent
 * to premium ranges, almost none ever typed back). Global across API clients, per number prefix
 * (e.g. '+88213'), keyed by the prefix only: never a full number.
 *
 * Counts are sliding-window estimates from two epoch-aligned buckets of `windowMs` (see
 * `lua/includes/prefixWindow.lua`): a burst timed just after a bucket boundary still meets the previous
 * bucket's count, so it cannot slip under `minSends` the way it could with one fixed window. Approvals
 * lag their sends (a user types the code seconds later), so choose `minSends` well above what a
 * legitimate burst produces within that lag.
 */
export interface PrefixGuard {
  /** Block state: undefined, or the epoch ms the block ends. */
  blockedUntil(numberPrefix: string, nowMs: number): Promise<number | undefined>;
  /**
   * A verification was started to this prefix: counts it, then, if the window holds ≥ `minSends` sends
   * of which the approved share is below `threshold`, blocks the prefix for `blockMs` (and resets its
   * window) and answers `{ blocked: true, until, triggered: true }`. The start recorded has gone
   * ahead; the block stops later ones (check `blockedUntil` before admitting a start). A prefix
   * already blocked answers `{ blocked: true, until, triggered: false }` without counting.
   */
  recordStart(numberPrefix: string, nowMs: number, rule: PrefixRule): Promise<PrefixStartOutcome>;
  /** A verification to this prefix was approved (counts in the current window). */
  recordApproval(numberPrefix: string, nowMs: number, windowMs: number): Promise<void>;
}

/** When a prefix is blocked, and for how long. Times in ms. */
export interface PrefixRule {
  /** Sends in the window before conversion is judged. */
  readonly minSends: number;
  /** Approved share of sends (0..1) below which the prefix is blocked. */
  readonly threshold: number;
  readonly windowMs: number;
  readonly blockMs: number;
}

/** What `recordStart` found: `triggered` is true when this very start set the block (for metrics). */
export type PrefixStartOutcome =
  | { readonly blocked: false; readonly until?: undefined }
  | { readonly blocked: true; readonly until: number; readonly triggered: boolean };

/** Options of `createPrefixGuard`. */
export interface PrefixGuardOptions {
  /** A connection the caller owns (and closes). */
  readonly redis: RedisConnection;
  /** Key prefix; default `sc`. */
  readonly prefix?: string;
}

/**
 * Keys of a number prefix: `${prefix}:pg:{${numberPrefix}}:window` (hash of counts) and
 * `${prefix}:pg:{${numberPrefix}}:block` (string: epoch ms the block ends).
 */
export function prefixGuardKeys(prefix: string, numberPrefix: string): { window: string; block: string } {
  const base = `${prefix}:pg:{${hashTag('numberPrefix', numberPrefix)}}`;
  return { window: `${base}:window`, block: `${base}:block` };
}

function validRule(rule: PrefixRule): (string | number)[] {
  if (!(Number.isFinite(rule.threshold) && rule.threshold >= 0 && rule.threshold <= 1)) {
    throw new StoreError('invalid_argument', 'threshold must be between 0 and 1');
  }
  const { minSends, threshold, windowMs, blockMs } = rule;
  return [
    positiveInteger('minSends', minSends),
    String(threshold),
    positiveInteger('windowMs', windowMs),
    positiveInteger('blockMs', blockMs),
  ];
}

function parseStart(reply: unknown): PrefixStartOutcome {
  if (!Array.isArray(reply) || reply.length !== 3) throw malformed('prefixStart');
  const [blocked, until, triggered]: unknown[] = reply;
  if (blocked === 0) return { blocked: false };
  if (blocked !== 1 || typeof until !== 'number' || (triggered !== 0 && triggered !== 1)) {
    throw malformed('prefixStart');
  }
  return { blocked: true, until, triggered: triggered === 1 };
}

/** Builds the guard over `options.redis`. Every method throws `invalid_argument` on bad input. */
export function createPrefixGuard(options: PrefixGuardOptions): PrefixGuard {
  const { redis, prefix = DEFAULT_PREFIX } = options;
  const run = scriptRunner(redis);

  return {
    async blockedUntil(numberPrefix, nowMs) {
      const now = timestamp(nowMs);
      const raw = await redis.get(prefixGuardKeys(prefix, numberPrefix).block);
      if (raw === null) return undefined;
      const until = parseInteger(raw);
      if (until === null) throw new StoreError('malformed_counter', 'prefix block is not an epoch ms time');
      return until > now ? until : undefined;
    },

    async recordStart(numberPrefix, nowMs, rule) {
      const { window, block } = prefixGuardKeys(prefix, numberPrefix);
      const args = [timestamp(nowMs), ...validRule(rule)];
      return parseStart(await run('prefixStart', [window, block], args));
    },

    async recordApproval(numberPrefix, nowMs, windowMs) {
      const { window } = prefixGuardKeys(prefix, numberPrefix);
      await run('prefixApproval', [window], [timestamp(nowMs), positiveInteger('windowMs', windowMs)]);
    },
  };
}
