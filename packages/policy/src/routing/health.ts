/**
 * A provider's delivery health on one channel, from what became of its recent sends: a delivered
 * receipt, a negative one (undelivered, failed) or none before the receipt timeout. Circuit breakers
 * see a provider's errors; this sees its silence, which is the commoner failure: the message is
 * accepted and never arrives. The counts are kept in time buckets (the store's, shared by every
 * process); a window is the sum of the recent ones.
 */
import type { ProviderHealthRules } from '../settings/types.ts';

/** What became of a provider's sends, counted. */
export interface DeliveryCounts {
  /** Delivered receipts. */
  readonly delivered: number;
  /** Negative receipts: undelivered, failed. */
  readonly failed: number;
  /** Sends whose receipt timeout passed with no receipt at all. */
  readonly noReceipt: number;
  /** Sum over the delivered receipts of how long each took after the provider accepted it, ms. */
  readonly latencyMs: number;
}

/** The counts of one time bucket, which starts at `start` (epoch ms). */
export interface HealthBucket extends DeliveryCounts {
  readonly start: number;
}

/** No outcomes at all. */
export const NO_OUTCOMES: DeliveryCounts = { delivered: 0, failed: 0, noReceipt: 0, latencyMs: 0 };

/**
 * How long one bucket lasts: a thirtieth of the window (so the window slides in steps of ~3 %), at
 * least 100 ms. Writers and readers compute it from the same settings; a reader takes buckets by
 * their start time, so a writer with another bucket size still counts, just less finely.
 */
export function healthBucketMs(rules: Pick<ProviderHealthRules, 'windowSeconds'>): number {
  return Math.max(100, Math.ceil((rules.windowSeconds * 1000) / 30));
}

/** The counts of the buckets that started within the window ending at `now` (epoch ms). */
export function deliveryWindow(
  buckets: readonly HealthBucket[],
  now: number,
  rules: Pick<ProviderHealthRules, 'windowSeconds'>,
): DeliveryCounts {
  const from = now - rules.windowSeconds * 1000;
  let delivered = 0;
  let failed = 0;
  let noReceipt = 0;
  let latencyMs = 0;
  for (const bucket of buckets) {
    if (bucket.start < from || bucket.start > now) continue;
    delivered += bucket.delivered;
    failed += bucket.failed;
    noReceipt += bucket.noReceipt;
    latencyMs += bucket.latencyMs;
  }
  return { delivered, failed, noReceipt, latencyMs };
}

/** Sends whose fate is known. */
export function outcomes(counts: DeliveryCounts): number {
  return counts.delivered + counts.failed + counts.noReceipt;
}

/** Delivered ÷ outcomes (0..1); undefined when there are none. */
export function deliveredRatio(counts: DeliveryCounts): number | undefined {
  const total = outcomes(counts);
  return total === 0 ? undefined : counts.delivered / total;
}

/** z of a one-sided 99 % confidence bound. */
const Z_99 = 2.326;

/**
 * The lower bound of the delivered ratio at 99 % confidence (one-sided, Wilson's score interval);
 * undefined when there are no outcomes. A ratio over a few dozen outcomes says little: 21 of 21
 * delivered bounds it at 0.795 only, 30 of 30 at 0.847, 143 of 150 (0.95) at 0.895.
 */
export function deliveredLowerBound(counts: DeliveryCounts): number | undefined {
  const n = outcomes(counts);
  if (n === 0) return undefined;
  const ratio = counts.delivered / n;
  const z2 = Z_99 * Z_99;
  const spread = Z_99 * Math.sqrt((ratio * (1 - ratio)) / n + z2 / (4 * n * n));
  return Math.max(0, (ratio + z2 / (2 * n) - spread) / (1 + z2 / n));
}

/** Mean time from acceptance to the delivered receipt, seconds; undefined when nothing was delivered. */
export function meanReceiptSeconds(counts: DeliveryCounts): number | undefined {
  return counts.delivered === 0 ? undefined : counts.latencyMs / counts.delivered / 1000;
}

/**
 * A window's verdict: `unknown` below `minOutcomes` (too little to judge: a provider that carries
 * nothing, as a second provider does in good times, is unknown, not bad); `failing` under
 * `demoteBelow`; `healthy` at `healthyAt` or above; `fair` in between, where nothing moves.
 */
export type HealthVerdict = 'unknown' | 'failing' | 'fair' | 'healthy';

export function healthVerdict(counts: DeliveryCounts, rules: ProviderHealthRules): HealthVerdict {
  const ratio = deliveredRatio(counts);
  if (ratio === undefined || outcomes(counts) < rules.minOutcomes) return 'unknown';
  if (ratio < rules.demoteBelow) return 'failing';
  return ratio >= rules.healthyAt ? 'healthy' : 'fair';
}
