import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ProviderName } from '../providers.ts';
import { DEFAULT_SETTINGS, parseSettings } from '../settings/parse.ts';
import {
  type DeliveryCounts,
  deliveredLowerBound,
  deliveryWindow,
  healthBucketMs,
  healthVerdict,
  NO_OUTCOMES,
} from './health.ts';
import {
  nextRouteStates,
  orderProviders,
  type RouteState,
  type RouteStateName,
  type RouteStates,
} from './route.ts';

const RULES = DEFAULT_SETTINGS.providerHealth;
const PROVIDERS: readonly ProviderName[] = ['twilio', 'vonage'];
const T0 = Date.UTC(2025, 0, 1);
const COOLDOWN_MS = RULES.cooldownSeconds * 1000;

/** A window of `n` outcomes of which a share `ratio` were delivered, the rest never receipted. */
const counts = (n: number, ratio: number): DeliveryCounts => {
  const delivered = Math.round(n * ratio);
  return { delivered, failed: 0, noReceipt: n - delivered, latencyMs: delivered * 2_000 };
};

const step = (states: RouteStates, windows: Partial<Record<ProviderName, DeliveryCounts>>, now = T0) =>
  nextRouteStates({ providers: PROVIDERS, states, windows, now, rules: RULES });

describe('defaults and settings', () => {
  it('the defaults are the issue’s: under 80 % over ≥ 20 outcomes while another is at 95 %', () => {
    expect(RULES).toEqual({
      windowSeconds: 300,
      minOutcomes: 20,
      demoteBelow: 0.8,
      healthyAt: 0.95,
      cooldownSeconds: 180,
      probeShare: 0.05,
    });
    expect(healthBucketMs(RULES)).toBe(10_000);
  });

  it('a settings file may change one field; demoteBelow must stay under healthyAt', () => {
    expect(parseSettings({ providerHealth: { windowSeconds: 10 } }).providerHealth).toMatchObject({
      windowSeconds: 10,
      healthyAt: 0.95,
    });
    expect(() => parseSettings({ providerHealth: { demoteBelow: 0.95 } })).toThrow(
      /providerHealth: demoteBelow must be below healthyAt/,
    );
    expect(() => parseSettings({ providerHealth: { probeShare: 0 } })).toThrow(/providerHealth.probeShare/);
  });
});

describe('health verdicts and windows', () => {
  it('judges nothing under minOutcomes; failing under demoteBelow; healthy at healthyAt', () => {
    expect(healthVerdict(counts(19, 0), RULES)).toBe('unknown');
    expect(healthVerdict(counts(20, 0.75), RULES)).toBe('failing');
    expect(healthVerdict(counts(20, 0.8), RULES)).toBe('fair');
    expect(healthVerdict(counts(20, 0.95), RULES)).toBe('healthy');
    expect(healthVerdict({ delivered: 15, failed: 5, noReceipt: 0, latencyMs: 0 }, RULES)).toBe('failing');
  });

  it('bounds the delivered ratio from below at 99 % confidence (Wilson), tighter as outcomes grow', () => {
    expect(deliveredLowerBound(NO_OUTCOMES)).toBeUndefined();
    expect(deliveredLowerBound(counts(21, 1))).toBeCloseTo(0.795, 3);
    expect(deliveredLowerBound(counts(30, 1))).toBeCloseTo(0.847, 3);
    expect(deliveredLowerBound(counts(150, 0.95))).toBeCloseTo(0.895, 3);
    expect(deliveredLowerBound(counts(10_000, 0.95))).toBeCloseTo(0.945, 3);
    expect(deliveredLowerBound(counts(40, 0))).toBe(0);
  });

  it('a window holds the buckets that started within it', () => {
    const bucket = (start: number, delivered: number) => ({
      start,
      delivered,
      failed: 0,
      noReceipt: 1,
      latencyMs: 10,
    });
    const now = T0 + 1_000_000;
    const buckets = [bucket(now - 310_000, 100), bucket(now - 300_000, 1), bucket(now - 10_000, 2)];
    expect(deliveryWindow(buckets, now, RULES)).toEqual({
      delivered: 3,
      failed: 0,
      noReceipt: 2,
      latencyMs: 20,
    });
  });
});

describe('nextRouteStates', () => {
  it('demotes a failing provider while another is healthy, or has carried too little to judge', () => {
    const healthy = step({}, { twilio: counts(40, 0.5), vonage: counts(40, 1) });
    expect(healthy.states.twilio).toEqual({ state: 'demoted', since: T0 });
    expect(healthy.changes).toEqual([
      { provider: 'twilio', from: 'healthy', to: 'demoted', ratio: 0.5, outcomes: 40 },
    ]);
    // The second provider carries nothing in good times: too little to judge is no reason to stay.
    expect(step({}, { twilio: counts(40, 0) }).states.twilio?.state).toBe('demoted');
  });

  it('demotes no one when the other is failing or fair too, or is demoted itself', () => {
    expect(step({}, { twilio: counts(40, 0.5), vonage: counts(40, 0.5) }).changes).toEqual([]);
    expect(step({}, { twilio: counts(40, 0.5), vonage: counts(40, 0.9) }).changes).toEqual([]);
    const demoted: RouteStates = { vonage: { state: 'demoted', since: T0 - 1 } };
    expect(step(demoted, { twilio: counts(40, 0.5) }).states.twilio).toEqual({ state: 'healthy' });
  });

  it('moves nothing on too few outcomes, or a fair ratio', () => {
    expect(step({}, { twilio: counts(19, 0), vonage: counts(40, 1) }).changes).toEqual([]);
    const demoted: RouteStates = { twilio: { state: 'demoted', since: T0 - 1 } };
    expect(step(demoted, { twilio: counts(40, 0.9) }).changes).toEqual([]);
    expect(step(demoted, { twilio: counts(5, 1) }).changes).toEqual([]);
  });

  it('takes a demoted provider back only on a healthy ratio that chance would rarely give a failing one', () => {
    // At low volume a demoted provider is judged on a few dozen probes: 20 of 21 delivered (0.95)
    // comes from one delivering 0.7 about one window in 180, and 21 of 21 is still too few.
    const demoted: RouteStates = { twilio: { state: 'demoted', since: T0 - 1 } };
    expect(step(demoted, { twilio: counts(21, 20 / 21) }).changes).toEqual([]);
    expect(step(demoted, { twilio: counts(21, 1) }).changes).toEqual([]);
    expect(step(demoted, { twilio: counts(30, 29 / 30) }).changes).toEqual([]);
    expect(step(demoted, { twilio: counts(30, 1) }).states.twilio).toEqual({
      state: 'recovering',
      since: T0,
    });
    // With enough outcomes the healthy ratio alone decides, as before.
    expect(step(demoted, { twilio: counts(150, 0.95) }).states.twilio).toEqual({
      state: 'recovering',
      since: T0,
    });
  });

  it('promotes back only after the ratio held at healthyAt for the cooldown; a lapse starts again', () => {
    const demoted: RouteStates = { twilio: { state: 'demoted', since: T0 - 1 } };
    const good = { twilio: counts(40, 1) };
    const recovering = step(demoted, good).states;
    expect(recovering.twilio).toEqual({ state: 'recovering', since: T0 });
    expect(step(recovering, good, T0 + COOLDOWN_MS - 1).states.twilio).toEqual(recovering.twilio);
    expect(step(recovering, good, T0 + COOLDOWN_MS).states.twilio).toEqual({ state: 'healthy' });
    // Too little to judge keeps the wait going, but cannot end it.
    expect(step(recovering, { twilio: counts(3, 1) }, T0 + COOLDOWN_MS).states.twilio).toEqual(
      recovering.twilio,
    );
    expect(step(recovering, { twilio: counts(40, 0.9) }, T0 + 1).states.twilio).toEqual({
      state: 'demoted',
      since: T0 + 1,
    });
  });

  it('is turned off by demoteBelow 0', () => {
    const rules = { ...RULES, demoteBelow: 0 };
    const windows = { twilio: counts(40, 0), vonage: counts(40, 1) };
    expect(nextRouteStates({ providers: PROVIDERS, states: {}, windows, now: T0, rules }).changes).toEqual(
      [],
    );
  });
});

describe('orderProviders', () => {
  const order = (states: RouteStates, draw: number, now = T0) =>
    orderProviders({ providers: PROVIDERS, states, now, rules: RULES, draw });
  const demoted: RouteStates = { twilio: { state: 'demoted', since: T0 } };

  it('keeps the configured order while all are healthy', () => {
    expect(order({}, 0)).toEqual({ kind: 'configured', order: ['twilio', 'vonage'] });
  });

  it('routes around a demoted provider, but for its probe share', () => {
    expect(order(demoted, 0.05)).toEqual({ kind: 'routed', order: ['vonage', 'twilio'], around: ['twilio'] });
    expect(order(demoted, 0.049)).toEqual({ kind: 'probe', order: ['twilio', 'vonage'], probe: 'twilio' });
  });

  it('gives a recovering provider a share growing from the probe share to all over the cooldown', () => {
    const recovering: RouteStates = { twilio: { state: 'recovering', since: T0 } };
    const firstShare = (now: number) => {
      let hits = 0;
      for (let i = 0; i < 1000; i += 1) if (order(recovering, i / 1000, now).order[0] === 'twilio') hits += 1;
      return hits / 1000;
    };
    expect(firstShare(T0)).toBeCloseTo(0.05, 2);
    expect(firstShare(T0 + COOLDOWN_MS / 2)).toBeCloseTo(0.525, 2);
    expect(firstShare(T0 + COOLDOWN_MS)).toBe(1);
  });

  it('a demoted provider configured second still gets probes, so it can recover', () => {
    const second: RouteStates = { vonage: { state: 'demoted', since: T0 } };
    expect(order(second, 0.01)).toEqual({ kind: 'probe', order: ['vonage', 'twilio'], probe: 'vonage' });
    expect(order(second, 0.5)).toEqual({ kind: 'configured', order: ['twilio', 'vonage'] });
    // Recovering, it gets no more than probes: back to health it would go first on none.
    const recovering: RouteStates = { vonage: { state: 'recovering', since: T0 - COOLDOWN_MS } };
    expect(order(recovering, 0.06)).toEqual({ kind: 'configured', order: ['twilio', 'vonage'] });
  });

  it('with every provider demoted, keeps the configured order and probes the others', () => {
    const both: RouteStates = { ...demoted, vonage: { state: 'demoted', since: T0 } };
    expect(order(both, 0.5)).toEqual({ kind: 'configured', order: ['twilio', 'vonage'] });
    expect(order(both, 0.01)).toMatchObject({ kind: 'probe', probe: 'vonage' });
  });

  it('refuses a draw outside [0, 1)', () => {
    expect(() => order({}, 1)).toThrow(RangeError);
  });
});

/** An arbitrary window: any mix of outcomes, a few or many. */
const windowArb = fc
  .record({
    delivered: fc.nat({ max: 300 }),
    failed: fc.nat({ max: 30 }),
    noReceipt: fc.nat({ max: 300 }),
  })
  .map((c) => ({ ...c, latencyMs: c.delivered * 1_000 }));

/** Evaluations at arbitrary moments (0 to 2 cooldowns apart), each with arbitrary windows. */
const historyArb = fc.array(
  fc.record({ afterMs: fc.nat({ max: 2 * COOLDOWN_MS }), twilio: windowArb, vonage: windowArb }),
  { minLength: 1, maxLength: 300 },
);

describe('no flapping, whatever the ratios do (property)', () => {
  it('demotes only on a failing ratio; promotes only after a cooldown of healthy ratios; so a demotion lasts at least the cooldown', () => {
    fc.assert(
      fc.property(historyArb, (history) => {
        let states: RouteStates = {};
        let now = T0;
        /** Per provider: evaluations since its last demotion, with their verdicts. */
        const since = new Map<ProviderName, { at: number; verdict: string }[]>();
        const demotedAt = new Map<ProviderName, number>();
        for (const { afterMs, twilio, vonage } of history) {
          now += afterMs;
          const windows = { twilio, vonage };
          const next = nextRouteStates({ providers: PROVIDERS, states, windows, now, rules: RULES });
          for (const provider of PROVIDERS) {
            const verdict = healthVerdict(provider === 'twilio' ? twilio : vonage, RULES);
            const before: RouteStateName = (states[provider] ?? { state: 'healthy' }).state;
            const after: RouteState = next.states[provider] ?? { state: 'healthy' };
            if (before !== 'demoted' && after.state === 'demoted') {
              expect(verdict === 'failing' || before === 'recovering').toBe(true);
              if (before === 'healthy') demotedAt.set(provider, now);
              since.set(provider, []);
            }
            since.get(provider)?.push({ at: now, verdict });
            if (before !== 'healthy' && after.state === 'healthy') {
              // Back only from recovering, on a healthy ratio, a whole cooldown after the last lapse,
              // and so at least a cooldown after it was demoted.
              expect(before).toBe('recovering');
              expect(verdict).toBe('healthy');
              const evaluations = since.get(provider) ?? [];
              const lapses = evaluations.filter((e) => e.verdict === 'failing' || e.verdict === 'fair');
              const lastLapse = lapses.at(-1)?.at ?? demotedAt.get(provider) ?? -Infinity;
              expect(now - lastLapse).toBeGreaterThanOrEqual(COOLDOWN_MS);
              expect(now - (demotedAt.get(provider) ?? -Infinity)).toBeGreaterThanOrEqual(COOLDOWN_MS);
            }
          }
          // Never are both demoted by one evaluation: one of them must be able to take over.
          const demotedNow = PROVIDERS.filter((p) => next.states[p]?.state === 'demoted');
          const newly = demotedNow.filter(
            (p) => states[p]?.state !== 'demoted' && states[p]?.state !== 'recovering',
          );
          expect(newly.length).toBeLessThan(PROVIDERS.length);
          states = next.states;
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('orderProviders (property)', () => {
  const stateArb: fc.Arbitrary<RouteState> = fc.oneof(
    fc.constant({ state: 'healthy' } as const),
    fc.record({
      state: fc.constant('demoted' as const),
      since: fc.integer({ min: T0 - COOLDOWN_MS, max: T0 }),
    }),
    fc.record({
      state: fc.constant('recovering' as const),
      since: fc.integer({ min: T0 - 2 * COOLDOWN_MS, max: T0 }),
    }),
  );

  it('always orders every provider once; a healthy provider goes first unless the draw makes a probe', () => {
    fc.assert(
      fc.property(
        stateArb,
        stateArb,
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (t, v, draw) => {
          const states = { twilio: t, vonage: v };
          const result = orderProviders({ providers: PROVIDERS, states, now: T0, rules: RULES, draw });
          expect([...result.order].sort()).toEqual(['twilio', 'vonage']);
          const first = result.order[0] ?? 'twilio';
          if (result.kind !== 'probe' && PROVIDERS.some((p) => states[p as 'twilio'].state === 'healthy')) {
            expect(states[first as 'twilio'].state).toBe('healthy');
          }
          if (result.kind === 'probe') expect(states[result.probe as 'twilio'].state).not.toBe('healthy');
        },
      ),
    );
  });
});
