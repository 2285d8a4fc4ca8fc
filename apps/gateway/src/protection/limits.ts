import type { Limits } from '@sendcode/policy';
import type { LimitRule } from '@sendcode/store';
import type { LimitScope } from '../metrics.ts';

/** What one start is counted against; absent keys (no accountRef, no IP, no phone) skip their rule. */
export interface LimitKeys {
  /** Keyed hash of the first destination. */
  readonly destination: string;
  readonly account?: string | undefined;
  readonly ip?: string | undefined;
  /** Number prefix of the first phone destination of the plan. */
  readonly prefix?: string | undefined;
}

/**
 * The start limits of DESIGN.md for one client, in the order a refusal should name them: the
 * destination's own windows first (what the user sees), the wider nets after.
 */
export function limitRules(limits: Limits, keys: LimitKeys): LimitRule[] {
  const rule = (
    scope: LimitScope,
    key: string,
    window: { limit: number; windowSeconds: number },
  ): LimitRule => ({
    scope,
    key,
    limit: window.limit,
    windowMs: window.windowSeconds * 1000,
  });
  return [
    ...limits.destination.map((window) =>
      rule(window.windowSeconds >= 86_400 ? 'destination_day' : 'destination', keys.destination, window),
    ),
    ...(keys.account ? [rule('account', keys.account, limits.account)] : []),
    ...(keys.ip ? [rule('ip', keys.ip, limits.ip)] : []),
    ...(keys.prefix ? [rule('prefix', keys.prefix, limits.prefix)] : []),
    rule('client', 'all', limits.client),
  ];
}
