import { type ClientSettings, countryAllowed, sendCost } from '@sendcode/policy';
import { type PrefixBlockScope, spendDay } from '@sendcode/store';
import type { PlannedStart, StartDeps } from './types.ts';

/** A fraud guard's refusal, before it is recorded. */
export type GuardRefusal =
  | { readonly kind: 'blocked'; readonly block: 'country'; readonly detail: Record<string, string> }
  | {
      readonly kind: 'blocked';
      readonly block: 'prefix_suspended';
      readonly detail: { until: number; scope: PrefixBlockScope };
    }
  | { readonly kind: 'limited'; readonly scope: 'spend'; readonly retryAfterMs: number };

/**
 * Phase 2, the fraud guard: the client's allowed countries for every phone step, number prefixes
 * blocked for this client or suspended for everyone (`scope` on the timeline says which), and the
 * daily spend cap (refused up front when the first send alone would pass it; the workers charge each
 * send). Reads only; undefined when the start may go on.
 */
export async function guardStart(
  deps: StartDeps,
  policy: ClientSettings,
  start: PlannedStart,
): Promise<GuardRefusal | undefined> {
  for (const { step, phone } of start.phones) {
    if (!countryAllowed(policy, step.channel as 'sms' | 'voice', phone.country)) {
      return {
        kind: 'blocked',
        block: 'country',
        detail: { channel: step.channel, country: phone.country ?? 'none' },
      };
    }
  }
  // The reads are independent: sent together, not each after the last one's answer; the refusals
  // are still weighed in order (a suspended prefix before the spend cap).
  const [blocks, spendWithSend] = await Promise.all([
    Promise.all(
      start.prefixes.map((prefix) => deps.prefixGuard.blockedUntil(prefix, start.client, start.nowMs)),
    ),
    spendToCheck(deps, policy, start),
  ]);
  const block = blocks.find((found) => found !== undefined);
  if (block) return { kind: 'blocked', block: 'prefix_suspended', detail: { ...block } };
  if (
    spendWithSend !== undefined &&
    policy.dailySpendCap !== null &&
    spendWithSend > policy.dailySpendCap * 1_000_000
  ) {
    return { kind: 'limited', scope: 'spend', retryAfterMs: msUntilNextUtcDay(start.nowMs) };
  }
  return undefined;
}

/**
 * The client's spend today plus the first send's cost (micro-USD), when the daily cap applies to
 * this start: a phone first step and a cap set. Undefined otherwise.
 */
async function spendToCheck(
  deps: StartDeps,
  policy: ClientSettings,
  start: PlannedStart,
): Promise<number | undefined> {
  const first = start.plan[0];
  const firstPhone = start.phones[0];
  if (!first || !firstPhone || first.channel === 'email' || policy.dailySpendCap === null) return undefined;
  const cost = sendCost(deps.config.settings, firstPhone.phone.country, first.channel) * 1_000_000;
  return (await deps.spend.spent(start.client, spendDay(start.nowMs))) + cost;
}

function msUntilNextUtcDay(now: number): number {
  const day = 86_400_000;
  return day - (now % day);
}
