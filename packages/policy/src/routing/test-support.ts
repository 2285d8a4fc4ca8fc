/**
 * Test-only (not exported by the package): the routing decision run in a closed loop over simulated
 * time, as the engine runs it — a steady stream of first sends, each ordered by `orderProviders`
 * from states that `nextRouteStates` refreshes every `refreshMs` (the engine's in-process cache),
 * with each send's outcome counted, when it comes, in time buckets as the store counts them: a
 * delivered or failed receipt `receiptMs` after the send, no receipt `receiptTimeoutMs` after it.
 */

import type { ProviderName } from '../providers.ts';
import type { ProviderHealthRules } from '../settings/types.ts';
import { type DeliveryCounts, deliveryWindow, type HealthBucket, healthBucketMs } from './health.ts';
import { nextRouteStates, orderProviders, type RouteChange, type RouteStates } from './route.ts';

/** What became of a send to `provider` made at `at` (ms from the start of the run). */
export type Behaviour = (
  provider: ProviderName,
  at: number,
  draw: number,
) => 'delivered' | 'failed' | 'silent';

export interface SimulationInput {
  readonly providers: readonly ProviderName[];
  readonly rules: ProviderHealthRules;
  /** First sends per second. */
  readonly rate: number;
  /** How long the run lasts, ms. */
  readonly durationMs: number;
  readonly behaviour: Behaviour;
  /** Seeds the draws (probes and behaviours). */
  readonly seed: number;
  readonly refreshMs?: number;
  readonly receiptMs?: number;
  readonly receiptTimeoutMs?: number;
}

/** One send: when (ms from the start) and which provider went first. */
export interface SimulatedSend {
  readonly at: number;
  readonly first: ProviderName;
  readonly kind: 'configured' | 'routed' | 'probe';
}

export interface SimulationResult {
  readonly sends: readonly SimulatedSend[];
  /** Every state change, with when it happened (ms from the start). */
  readonly changes: readonly (RouteChange & { readonly at: number })[];
}

/** A small seeded PRNG (mulberry32): uniform in [0, 1). */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// The wall clock the run starts at: any epoch works; a round one keeps bucket starts readable.
const EPOCH = Date.UTC(2025, 0, 1);

export function simulate(input: SimulationInput): SimulationResult {
  const { providers, rules, rate, durationMs, behaviour } = input;
  const refreshMs = input.refreshMs ?? 1_000;
  const receiptMs = input.receiptMs ?? 3_000;
  const timeoutMs = input.receiptTimeoutMs ?? 60_000;
  const bucketMs = healthBucketMs(rules);
  const random = seeded(input.seed);

  const buckets = new Map<ProviderName, Map<number, HealthBucket>>();
  const count = (provider: ProviderName, at: number, outcome: keyof DeliveryCounts, latencyMs: number) => {
    const start = at - (at % bucketMs);
    const own = buckets.get(provider) ?? new Map<number, HealthBucket>();
    buckets.set(provider, own);
    const bucket = own.get(start) ?? { start, delivered: 0, failed: 0, noReceipt: 0, latencyMs: 0 };
    own.set(start, { ...bucket, [outcome]: bucket[outcome] + 1, latencyMs: bucket.latencyMs + latencyMs });
  };
  /**
   * Outcomes still to come: receipts, and timeouts. Each comes a constant delay after its send, so
   * each queue is in time order.
   */
  type Due = { at: number; provider: ProviderName; outcome: keyof DeliveryCounts; latencyMs: number };
  const receipts: Due[] = [];
  const timeouts: Due[] = [];
  const arrive = (queue: Due[], now: number) => {
    let taken = 0;
    for (const next of queue) {
      if (next.at > now) break;
      count(next.provider, next.at, next.outcome, next.latencyMs);
      taken += 1;
    }
    queue.splice(0, taken);
  };

  let states: RouteStates = {};
  let refreshedAt = -Infinity;
  const sends: SimulatedSend[] = [];
  const changes: (RouteChange & { at: number })[] = [];
  const gapMs = 1000 / rate;
  for (let at = 0; at < durationMs; at += gapMs) {
    const now = EPOCH + Math.floor(at);
    arrive(receipts, now);
    arrive(timeouts, now);
    if (now - refreshedAt >= refreshMs) {
      for (const own of buckets.values()) {
        for (const start of own.keys())
          if (start < now - rules.windowSeconds * 1000 - bucketMs) own.delete(start);
      }
      const windows = Object.fromEntries(
        providers.map((p) => [p, deliveryWindow([...(buckets.get(p)?.values() ?? [])], now, rules)]),
      );
      const next = nextRouteStates({ providers, states, windows, now, rules });
      states = next.states;
      for (const change of next.changes) changes.push({ ...change, at: now - EPOCH });
      refreshedAt = now;
    }
    const order = orderProviders({ providers, states, now, rules, draw: random() });
    const first = order.order[0];
    if (first === undefined) throw new Error('no provider');
    sends.push({ at: now - EPOCH, first, kind: order.kind });
    const fate = behaviour(first, now - EPOCH, random());
    if (fate === 'silent')
      timeouts.push({ at: now + timeoutMs, provider: first, outcome: 'noReceipt', latencyMs: 0 });
    else if (fate === 'failed')
      receipts.push({ at: now + receiptMs, provider: first, outcome: 'failed', latencyMs: 0 });
    else receipts.push({ at: now + receiptMs, provider: first, outcome: 'delivered', latencyMs: receiptMs });
  }
  return { sends, changes };
}

/** The share of sends made in [from, to) (ms from the start) whose first provider was `provider`. */
export function shareOf(sends: readonly SimulatedSend[], provider: ProviderName, from: number, to: number) {
  const within = sends.filter((s) => s.at >= from && s.at < to);
  return within.length === 0 ? 0 : within.filter((s) => s.first === provider).length / within.length;
}
