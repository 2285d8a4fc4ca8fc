import type { LimitScope, Limits } from '@sendcode/policy';
import type { LimitRule } from '@sendcode/store';

/** What one start is counted against; absent keys (no accountRef, no IP, no phone) skip their rule. */
export interface LimitKeys {
  /** Keyed hash of the first destination, in its canonical form. */
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
  return [
    ...destinationRules(limits, keys.destination),
    ...(keys.account ? [rule('account', keys.account, limits.account)] : []),
    ...(keys.ip ? [rule('ip', keys.ip, limits.ip)] : []),
    ...(keys.prefix ? [rule('prefix', keys.prefix, limits.prefix)] : []),
    rule('client', 'all', limits.client),
  ];
}

/** The destination's own windows: what every send to it (first, resend, failover) counts against. */
export function destinationRules(limits: Limits, destination: string): LimitRule[] {
  return limits.destination.map((window) =>
    rule(window.windowSeconds >= 86_400 ? 'destination_day' : 'destination', destination, window),
  );
}

function rule(scope: LimitScope, key: string, window: { limit: number; windowSeconds: number }): LimitRule {
  return { scope, key, limit: window.limit, windowMs: window.windowSeconds * 1000 };
}
