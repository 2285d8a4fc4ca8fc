import { HEALTHY, type HealthBucket, ROUTE_STATES, type RouteState } from '@sendcode/policy';
import type { CircuitName } from '../circuit-breaker/circuit-breaker.ts';
import { positiveInteger, timestamp } from '../core/args.ts';
import type { RedisConnection } from '../core/connection.ts';
import { malformed, StoreError } from '../core/errors.ts';
import { groupCommit } from '../core/group-commit.ts';
import { DEFAULT_PREFIX } from '../core/keys.ts';
import { loadScripts, scriptRunner } from '../core/scripts.ts';

const SCRIPTS = loadScripts(import.meta.url, ['healthRecord', 'healthRoute']);

/**
 * Each provider API's delivery health (provider and channel, as its circuit breaker), shared by every
 * process in one Redis hash: what became of its recent sends, counted in time buckets (a delivered
 * receipt, a negative one, or none before the receipt timeout), and its routing state. The gateway
 * counts the receipts, the workers the timeouts; the workers judge the counts (`nextRouteStates` in
 * @sendcode/policy) and store the state that orders providers for new sends. Moves are Lua scripts
 * (`healthRecord.lua`, `healthRoute.lua`).
 */
export interface ProviderHealth {
  /**
   * Counts one outcome of a send to `api` at `nowMs`: `delivered` (with how long after acceptance,
   * ms, when known), `failed` (a negative receipt) or `no_receipt` (its timeout passed). Resolves
   * once it is counted. Outcomes of one API recorded while its previous write is on its way go
   * together in the next one (a group commit): under load a count costs a fraction of a command, and
   * at low load none waits for another.
   */
  record(api: CircuitName, outcome: HealthOutcome, nowMs: number, latencyMs?: number): Promise<void>;
  /** Each API's buckets (oldest first) and routing state; one command per API, sent together. */
  read<A extends CircuitName>(apis: readonly A[]): Promise<Record<A, HealthSnapshot>>;
  /**
   * Stores an API's routing state, if it is still at the version read (`HealthSnapshot.version`).
   * True when written; false when another process moved it first (nothing written).
   */
  setRoute(api: CircuitName, readVersion: number, route: RouteState): Promise<boolean>;
}

/** What became of one send. */
export type HealthOutcome = 'delivered' | 'failed' | 'no_receipt';

/** One API's counts and routing state, as read. */
export interface HealthSnapshot {
  readonly buckets: readonly HealthBucket[];
  /** Healthy when none is stored. */
  readonly route: RouteState;
  /** The routing state's version, for `setRoute`; 0 when none is stored. */
  readonly version: number;
}

/** Options of `createProviderHealth`. */
export interface ProviderHealthOptions {
  /** A connection the caller owns (and closes). */
  readonly redis: RedisConnection;
  /** Key prefix; default `sc`. */
  readonly prefix?: string;
  /** Length of a bucket, ms (`healthBucketMs` in @sendcode/policy): every process must use the same. */
  readonly bucketMs: number;
  /** Buckets older than this (ms) are dropped: the window, and a bucket more. */
  readonly keepMs: number;
  /** The hash expires after this long (ms) without an outcome or a move, routing state and all. */
  readonly ttlMs: number;
}

/** One outcome to count: its kind's field letter, its bucket, and a delivery's latency. */
interface Counted {
  /** `d`, `f` or `n` (`OUTCOME_FIELD`). */
  readonly kind: string;
  /** Start of its bucket, epoch ms. */
  readonly start: number;
  /** ms; 0 when not a delivery or unknown. */
  readonly latency: number;
  /** Epoch ms. */
  readonly at: number;
}

/** Key of an API's health: `${prefix}:ph:{${provider}:${channel}}`, a hash (same slot as its breaker). */
export function providerHealthKey(prefix: string, api: CircuitName): string {
  return `${prefix}:ph:{${api}}`;
}

const OUTCOME_FIELD: Record<HealthOutcome, string> = { delivered: 'd', failed: 'f', no_receipt: 'n' };
const BUCKET_FIELD = /^([dfnl]):(\d+)$/;
const COUNT_OF = { d: 'delivered', f: 'failed', n: 'noReceipt', l: 'latencyMs' } as const;

function malformedHealth(api: CircuitName, what: string): StoreError {
  return new StoreError('malformed_health', `delivery health of ${api}: ${what}`);
}

/** Parses an HGETALL of an API's health hash. */
function parseSnapshot(api: CircuitName, hash: Record<string, string>): HealthSnapshot {
  const buckets = new Map<number, { -readonly [K in keyof HealthBucket]: HealthBucket[K] }>();
  for (const [field, value] of Object.entries(hash)) {
    const match = BUCKET_FIELD.exec(field);
    if (!match) continue;
    const count = Number(value);
    if (!Number.isSafeInteger(count) || count < 0)
      throw malformedHealth(api, `field ${field} is not a count`);
    const start = Number(match[2]);
    const bucket = buckets.get(start) ?? { start, delivered: 0, failed: 0, noReceipt: 0, latencyMs: 0 };
    bucket[COUNT_OF[match[1] as keyof typeof COUNT_OF]] = count;
    buckets.set(start, bucket);
  }
  const version = hash.v === undefined ? 0 : Number(hash.v);
  if (!Number.isSafeInteger(version) || version < 0) throw malformedHealth(api, 'version is not a count');
  return {
    buckets: [...buckets.values()].sort((a, b) => a.start - b.start),
    route: parseRoute(api, hash.state, hash.since),
    version,
  };
}

function parseRoute(api: CircuitName, state: string | undefined, since: string | undefined): RouteState {
  if (state === undefined) return HEALTHY;
  if (!(ROUTE_STATES as readonly string[]).includes(state)) throw malformedHealth(api, 'unknown state');
  if (state === 'healthy') return HEALTHY;
  const at = Number(since);
  if (!Number.isSafeInteger(at) || at < 0) throw malformedHealth(api, 'since is not epoch ms');
  return state === 'demoted' ? { state, since: at } : { state: 'recovering', since: at };
}

/** Builds the store over `options.redis`. Throws `invalid_argument` on a bucket, keep or TTL that is not a positive integer. */
export function createProviderHealth(options: ProviderHealthOptions): ProviderHealth {
  const { redis, prefix = DEFAULT_PREFIX } = options;
  const bucketMs = positiveInteger('bucketMs', options.bucketMs);
  const keepMs = positiveInteger('keepMs', options.keepMs);
  const ttlMs = positiveInteger('ttlMs', options.ttlMs);
  const run = scriptRunner(redis, SCRIPTS);
  const key = (api: CircuitName) => providerHealthKey(prefix, api);
  const count = groupCommit(async (api: CircuitName, outcomes: readonly Counted[]) => {
    const counts = new Map<string, number>();
    const add = (field: string, by: number) => counts.set(field, (counts.get(field) ?? 0) + by);
    let nowMs = 0;
    for (const { kind, start, latency, at } of outcomes) {
      add(`${kind}:${start}`, 1);
      if (latency > 0) add(`l:${start}`, latency);
      nowMs = Math.max(nowMs, at);
    }
    // Buckets older than keepMs before the latest outcome are dropped.
    const reply = await run('healthRecord', [key(api)], [nowMs, keepMs, ttlMs, ...[...counts].flat()]);
    if (typeof reply !== 'number') throw malformed('healthRecord');
    return [];
  });

  return {
    async record(api, outcome, nowMs, latencyMs = 0) {
      const latency = Math.max(0, Math.round(latencyMs));
      if (!Number.isSafeInteger(latency))
        throw new StoreError('invalid_argument', 'latencyMs must be finite');
      const at = timestamp(nowMs);
      await count(api, {
        kind: OUTCOME_FIELD[outcome],
        start: at - (at % bucketMs),
        latency: outcome === 'delivered' ? latency : 0,
        at,
      });
    },

    async read<A extends CircuitName>(apis: readonly A[]) {
      const hashes = await Promise.all(apis.map((api) => redis.hgetall(key(api))));
      const entries = apis.map((api, index): [A, HealthSnapshot] => [
        api,
        parseSnapshot(api, hashes[index] ?? {}),
      ]);
      // fromEntries types its keys as string; every A asked for is among them.
      return Object.fromEntries(entries) as Record<A, HealthSnapshot>;
    },

    async setRoute(api, readVersion, route) {
      const since = route.state === 'healthy' ? 0 : timestamp(route.since);
      const reply = await run('healthRoute', [key(api)], [readVersion, route.state, since, ttlMs]);
      if (reply !== 0 && reply !== 1) throw malformed('healthRoute');
      return reply === 1;
    },
  };
}
