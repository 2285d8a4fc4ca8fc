import { hashTag, keySegment, positiveInteger, timestamp } from '../core/args.ts';
import type { RedisConnection } from '../core/connection.ts';
import { malformed, StoreError } from '../core/errors.ts';
import { DEFAULT_PREFIX } from '../core/keys.ts';
import { loadScripts, scriptRunner } from '../core/scripts.ts';
import { parseInteger } from '../core/values.ts';

const SCRIPTS = loadScripts(import.meta.url, ['prefixStart', 'prefixApproval']);

/**
 * Automatic blocking of number prefixes that look pumped (SMS/voice traffic pumping: many codes sent
 * to premium ranges, almost none ever typed back), per number prefix (e.g. '+88213'): never a full
 * number.
 *
 * Conversion is counted per API client: a client whose own starts to a prefix go unconfirmed is
 * blocked from that prefix (scope `client`), and other clients are not, so one client, or one stolen
 * key, cannot switch a range off for everyone. A prefix is suspended for every client (scope `all`)
 * once `clientsToSuspendAll` distinct clients were blocked from it within `blockMs`: pumping rings
 * spread over clients and keys, the prefix is what they share.
 *
 * Counts are sliding-window estimates from two epoch-aligned buckets of `windowMs` (see
 * `lua-includes/prefixWindow.lua`): a burst timed just after a bucket boundary still meets the previous
 * bucket's count, so it cannot slip under `minSends` the way it could with one fixed window. Approvals
 * lag their sends (a user types the code seconds later), so choose `minSends` well above what a
 * legitimate burst produces within that lag.
 */
export interface PrefixGuard {
  /**
   * Whether `client` may not start to this prefix now: undefined, or the block that ends last (the
   * prefix's suspension for everyone, or the client's own block).
   */
  blockedUntil(numberPrefix: string, client: string, nowMs: number): Promise<PrefixBlock | undefined>;
  /**
   * `client` started a verification to this prefix: counts it in the client's window, then, if that
   * window holds ≥ `minSends` sends of which the approved share is below `threshold`, blocks the prefix
   * for the client for `blockMs` (and resets its window) and answers `{ blocked: true, until,
   * triggered: true, scope: 'client' }` — or `scope: 'all'` when this made `clientsToSuspendAll`
   * distinct clients blocked within `blockMs`, and the prefix is now suspended for everyone. The start
   * recorded has gone ahead; the block stops later ones (check `blockedUntil` before admitting a start).
   * A prefix already blocked for the client answers `{ blocked: true, until, triggered: false, scope }`
   * without counting.
   */
  recordStart(
    numberPrefix: string,
    client: string,
    nowMs: number,
    rule: PrefixRule,
  ): Promise<PrefixStartOutcome>;
  /** A verification of `client` to this prefix was approved (counts in the client's current window). */
  recordApproval(numberPrefix: string, client: string, nowMs: number, windowMs: number): Promise<void>;
}

/** Who a block stops: the one client whose conversion collapsed, or every client. */
export type PrefixBlockScope = 'client' | 'all';

/** A block in force: until when (epoch ms), and for whom. */
export interface PrefixBlock {
  readonly until: number;
  readonly scope: PrefixBlockScope;
}

/** When a prefix is blocked, and for how long. Times in ms. */
export interface PrefixRule {
  /** A client's sends in the window before its conversion is judged. */
  readonly minSends: number;
  /** Approved share of a client's sends (0..1) below which the prefix is blocked for it. */
  readonly threshold: number;
  readonly windowMs: number;
  readonly blockMs: number;
  /** Distinct clients blocked from a prefix within `blockMs` that suspend it for every client. */
  readonly clientsToSuspendAll: number;
}

/** What `recordStart` found: `triggered` is true when this very start set the block (for metrics). */
export type PrefixStartOutcome =
  | { readonly blocked: false; readonly until?: undefined }
  | ({ readonly blocked: true; readonly triggered: boolean } & PrefixBlock);

/** Options of `createPrefixGuard`. */
export interface PrefixGuardOptions {
  /** A connection the caller owns (and closes). */
  readonly redis: RedisConnection;
  /** Key prefix; default `sc`. */
  readonly prefix?: string;
}

/** The keys of one number prefix, and of one client's traffic to it; all in the prefix's slot. */
export interface PrefixGuardKeys {
  /** `${prefix}:pg:{${numberPrefix}}:c:${client}:window`: hash of the client's counts. */
  readonly window: string;
  /** `${prefix}:pg:{${numberPrefix}}:c:${client}:block`: string, epoch ms the client's block ends. */
  readonly clientBlock: string;
  /** `${prefix}:pg:{${numberPrefix}}:tripped`: sorted set, client → epoch ms it was blocked. */
  readonly tripped: string;
  /** `${prefix}:pg:{${numberPrefix}}:block`: string, epoch ms the suspension for everyone ends. */
  readonly block: string;
}

/**
 * Keys of a number prefix and a client. The prefix is the hash tag, so one script may touch them all;
 * the client is a plain segment after it (no ':' or braces, so it cannot move the slot or swallow a
 * segment).
 */
export function prefixGuardKeys(prefix: string, numberPrefix: string, client: string): PrefixGuardKeys {
  const base = `${prefix}:pg:{${hashTag('numberPrefix', numberPrefix)}}`;
  const own = `${base}:c:${keySegment('client', hashTag('client', client))}`;
  return {
    window: `${own}:window`,
    clientBlock: `${own}:block`,
    tripped: `${base}:tripped`,
    block: `${base}:block`,
  };
}

function validRule(rule: PrefixRule): (string | number)[] {
  if (!(Number.isFinite(rule.threshold) && rule.threshold >= 0 && rule.threshold <= 1)) {
    throw new StoreError('invalid_argument', 'threshold must be between 0 and 1');
  }
  const { minSends, threshold, windowMs, blockMs, clientsToSuspendAll } = rule;
  return [
    positiveInteger('minSends', minSends),
    String(threshold),
    positiveInteger('windowMs', windowMs),
    positiveInteger('blockMs', blockMs),
    positiveInteger('clientsToSuspendAll', clientsToSuspendAll),
  ];
}

function isScope(value: unknown): value is PrefixBlockScope {
  return value === 'client' || value === 'all';
}

function parseStart(reply: unknown): PrefixStartOutcome {
  if (!Array.isArray(reply) || reply.length !== 4) throw malformed('prefixStart');
  const [blocked, until, triggered, scope]: unknown[] = reply;
  if (blocked === 0) return { blocked: false };
  if (blocked !== 1 || typeof until !== 'number' || (triggered !== 0 && triggered !== 1) || !isScope(scope)) {
    throw malformed('prefixStart');
  }
  return { blocked: true, until, triggered: triggered === 1, scope };
}

/** A block key's epoch ms end, when it is still ahead of `now`. */
function activeUntil(raw: string | null, now: number): number | undefined {
  if (raw === null) return undefined;
  const until = parseInteger(raw);
  if (until === null) throw new StoreError('malformed_counter', 'prefix block is not an epoch ms time');
  return until > now ? until : undefined;
}

/** Builds the guard over `options.redis`. Every method throws `invalid_argument` on bad input. */
export function createPrefixGuard(options: PrefixGuardOptions): PrefixGuard {
  const { redis, prefix = DEFAULT_PREFIX } = options;
  const run = scriptRunner(redis, SCRIPTS);

  return {
    async blockedUntil(numberPrefix, client, nowMs) {
      const now = timestamp(nowMs);
      const { block, clientBlock } = prefixGuardKeys(prefix, numberPrefix, client);
      // One slot, so one MGET on a Cluster too.
      const [everyone = null, own = null] = await redis.mget(block, clientBlock);
      const all = activeUntil(everyone, now);
      const mine = activeUntil(own, now);
      if (all !== undefined && (mine === undefined || all >= mine)) return { until: all, scope: 'all' };
      return mine === undefined ? undefined : { until: mine, scope: 'client' };
    },

    async recordStart(numberPrefix, client, nowMs, rule) {
      const { window, clientBlock, tripped, block } = prefixGuardKeys(prefix, numberPrefix, client);
      const args = [timestamp(nowMs), ...validRule(rule), client];
      return parseStart(await run('prefixStart', [window, clientBlock, tripped, block], args));
    },

    async recordApproval(numberPrefix, client, nowMs, windowMs) {
      const { window } = prefixGuardKeys(prefix, numberPrefix, client);
      await run('prefixApproval', [window], [timestamp(nowMs), positiveInteger('windowMs', windowMs)]);
    },
  };
}
