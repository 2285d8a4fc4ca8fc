/**
 * Routing by delivery health: given each provider's recent delivered ratio, which provider of a
 * channel should a new send try first? Two pure decisions, tested without Redis: `nextRouteStates`
 * moves each provider between healthy, demoted and recovering (the engine stores the result in Redis
 * so every process agrees); `orderProviders` turns those states into the order for one send.
 *
 * What keeps it from flapping (GOV.UK Notify's provider switching has flapped):
 * - hysteresis: a provider is demoted under `demoteBelow` but must reach `healthyAt` to come back,
 *   and a ratio between the two moves nothing;
 * - a cooldown: it comes back only after its ratio has held at `healthyAt` for `cooldownSeconds`,
 *   any lapse starting the wait again, so a demotion lasts at least that long;
 * - probes: a demoted provider keeps `probeShare` of first sends, so its ratio keeps being measured
 *   and it can recover; while it recovers its share grows steadily to all of it, so traffic returns
 *   gradually rather than in one jump;
 * - recovery beyond chance: a demoted provider is judged on its probes alone, a few dozen a window at
 *   low volume, where one delivering 0.7 reads 20 of 21 (0.95) about one window in 180. It starts
 *   recovering only when its ratio is at `healthyAt` and, at 99 % confidence, above `demoteBelow`
 *   (`deliveredLowerBound`): 30 of 30 do, 29 of 30 do not; from about 150 outcomes the ratio alone
 *   decides;
 * - too little to judge (`minOutcomes`) moves nothing, and a provider is only demoted when another
 *   can take over: one that is healthy, or has carried too little to judge (the second provider
 *   carries nothing in good times), and is not demoted itself. When every provider is failing the
 *   configured order stands: moving traffic among them would help no one.
 */

import type { ProviderName } from '../providers.ts';
import type { ProviderHealthRules } from '../settings/types.ts';
import {
  type DeliveryCounts,
  deliveredLowerBound,
  deliveredRatio,
  healthVerdict,
  NO_OUTCOMES,
  outcomes,
} from './health.ts';

/** Where a provider stands. Stored in Redis: add, never rename. */
export const ROUTE_STATES = ['healthy', 'demoted', 'recovering'] as const;
export type RouteStateName = (typeof ROUTE_STATES)[number];

/**
 * A provider's routing state. `since` (epoch ms): when it was demoted, or since when its ratio has
 * held at `healthyAt` while recovering.
 */
export type RouteState =
  | { readonly state: 'healthy' }
  | { readonly state: 'demoted'; readonly since: number }
  | { readonly state: 'recovering'; readonly since: number };

export const HEALTHY: RouteState = { state: 'healthy' };

/** States by provider; a provider with none is healthy. */
export type RouteStates = Readonly<Partial<Record<ProviderName, RouteState>>>;

/** What `nextRouteStates` is given: one channel's providers, their states and their windows. */
export interface RouteInput {
  /** The channel's providers in their configured order (`SMS_PROVIDERS`, `VOICE_PROVIDERS`). */
  readonly providers: readonly ProviderName[];
  readonly states: RouteStates;
  /** Each provider's outcomes over the window; a provider with none has had no outcomes. */
  readonly windows: Readonly<Partial<Record<ProviderName, DeliveryCounts>>>;
  /** Epoch ms. */
  readonly now: number;
  readonly rules: ProviderHealthRules;
}

/** One provider's move, for the log. */
export interface RouteChange {
  readonly provider: ProviderName;
  readonly from: RouteStateName;
  readonly to: RouteStateName;
  /** Its delivered ratio and outcomes over the window when it moved. */
  readonly ratio: number | undefined;
  readonly outcomes: number;
}

/**
 * Moves each provider one step, judging every one against the states it was given (so the order of
 * `providers` does not change the outcome):
 * - healthy → demoted: its verdict is `failing` and another provider that is not demoted is
 *   `healthy` or `unknown`;
 * - demoted → recovering: its verdict is `healthy` and its ratio's lower bound clears `demoteBelow`;
 * - recovering → demoted: its verdict is `failing` or `fair` (the wait starts again);
 * - recovering → healthy: still `healthy`, `cooldownSeconds` after it started recovering.
 * Anything else, an `unknown` verdict included, leaves the state as it is.
 */
export function nextRouteStates(input: RouteInput): {
  readonly states: Readonly<Record<string, RouteState>>;
  readonly changes: readonly RouteChange[];
} {
  const { providers, now, rules } = input;
  const stateOf = (p: ProviderName) => input.states[p] ?? HEALTHY;
  const windowOf = (p: ProviderName) => input.windows[p] ?? NO_OUTCOMES;
  const verdictOf = (p: ProviderName) => healthVerdict(windowOf(p), rules);
  const beyondChance = (p: ProviderName) => (deliveredLowerBound(windowOf(p)) ?? 0) >= rules.demoteBelow;
  const canTakeOver = (p: ProviderName) =>
    stateOf(p).state !== 'demoted' && (verdictOf(p) === 'healthy' || verdictOf(p) === 'unknown');

  const states: Record<string, RouteState> = {};
  const changes: RouteChange[] = [];
  for (const provider of providers) {
    const before = stateOf(provider);
    const after = step(
      before,
      verdictOf(provider),
      () => beyondChance(provider),
      () => providers.some((other) => other !== provider && canTakeOver(other)),
    );
    states[provider] = after;
    if (after.state !== before.state) {
      const counts = windowOf(provider);
      changes.push({
        provider,
        from: before.state,
        to: after.state,
        ratio: deliveredRatio(counts),
        outcomes: outcomes(counts),
      });
    }
  }
  return { states, changes };

  function step(
    state: RouteState,
    verdict: ReturnType<typeof verdictOf>,
    clearOfDemotion: () => boolean,
    others: () => boolean,
  ): RouteState {
    switch (state.state) {
      case 'healthy':
        return verdict === 'failing' && others() ? { state: 'demoted', since: now } : state;
      case 'demoted':
        return verdict === 'healthy' && clearOfDemotion() ? { state: 'recovering', since: now } : state;
      case 'recovering':
        if (verdict === 'failing' || verdict === 'fair') return { state: 'demoted', since: now };
        return verdict === 'healthy' && now - state.since >= rules.cooldownSeconds * 1000 ? HEALTHY : state;
    }
  }
}

/**
 * The order for one send. `configured`: the configured order (perhaps with a demoted provider moved
 * back). `routed`: a provider other than the configured first goes first because those before it
 * (`around`) are demoted or recovering. `probe`: a demoted or recovering provider goes first on its
 * share (`probe`), so its ratio keeps being measured.
 */
export type ProviderOrder =
  | { readonly kind: 'configured'; readonly order: readonly ProviderName[] }
  | {
      readonly kind: 'routed';
      readonly order: readonly ProviderName[];
      readonly around: readonly ProviderName[];
    }
  | { readonly kind: 'probe'; readonly order: readonly ProviderName[]; readonly probe: ProviderName };

/** What `orderProviders` is given. */
export interface OrderInput {
  readonly providers: readonly ProviderName[];
  readonly states: RouteStates;
  /** Epoch ms. */
  readonly now: number;
  readonly rules: ProviderHealthRules;
  /** A uniform draw in [0, 1): which send is a probe. */
  readonly draw: number;
}

const RANK: Readonly<Record<RouteStateName, number>> = { healthy: 0, recovering: 1, demoted: 2 };

/**
 * Orders a channel's providers for one send: the best state first (healthy, then recovering, then
 * demoted), the configured order within a state. Every provider that is not healthy, other than the
 * one going first, goes first instead on a share of the draws: `probeShare` when demoted; when
 * recovering, a share that grows from `probeShare` to all of it over the cooldown, if it is
 * configured before the best one (one configured after it gets `probeShare`: back to health it would
 * go first on none). So even with every provider demoted, the others than the first keep being
 * measured, and can recover.
 *
 * @throws RangeError when `draw` is not in [0, 1).
 */
export function orderProviders(input: OrderInput): ProviderOrder {
  const { providers, now, rules, draw } = input;
  if (!(draw >= 0 && draw < 1)) throw new RangeError('draw must be in [0, 1)');
  const stateOf = (p: ProviderName) => input.states[p] ?? HEALTHY;
  const rank = (p: ProviderName) => RANK[stateOf(p).state];
  // Array.prototype.sort is stable: the configured order holds within a state.
  const ranked = [...providers].sort((a, b) => rank(a) - rank(b));
  const best = ranked[0];
  if (best === undefined) return { kind: 'configured', order: providers };
  const bestAt = providers.indexOf(best);

  let share = 0;
  for (const [at, candidate] of providers.entries()) {
    if (candidate === best || stateOf(candidate).state === 'healthy') continue;
    share += at < bestAt ? shareOf(stateOf(candidate), now, rules) : rules.probeShare;
    if (draw < Math.min(1, share)) {
      return {
        kind: 'probe',
        order: [candidate, ...ranked.filter((p) => p !== candidate)],
        probe: candidate,
      };
    }
  }
  const around = providers.slice(0, bestAt);
  return around.length === 0
    ? { kind: 'configured', order: ranked }
    : { kind: 'routed', order: ranked, around };
}

/** The share of first sends of a provider the routing moved back: a probe's, or a growing one. */
function shareOf(state: RouteState, now: number, rules: ProviderHealthRules): number {
  if (state.state !== 'recovering') return rules.probeShare;
  const cooldownMs = rules.cooldownSeconds * 1000;
  const grown = cooldownMs === 0 ? 1 : Math.min(1, Math.max(0, now - state.since) / cooldownMs);
  return rules.probeShare + (1 - rules.probeShare) * grown;
}
