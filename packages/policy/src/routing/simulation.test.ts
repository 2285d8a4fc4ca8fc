import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ProviderName } from '../providers.ts';
import { DEFAULT_SETTINGS } from '../settings/parse.ts';
import { type Behaviour, type SimulationResult, shareOf, simulate } from './test-support.ts';

/**
 * The routing decision in a closed loop over simulated time, at the default settings: the issue's
 * target is that with every Twilio SMS accepted and never receipted, and first sends at 10/s, at
 * least 90 % of them go to Vonage within 3 minutes; and once Twilio delivers again, it gets its
 * traffic back within 10 minutes — without flapping on the way.
 */

const RULES = DEFAULT_SETTINGS.providerHealth;
const PROVIDERS: readonly ProviderName[] = ['twilio', 'vonage'];
const MINUTE = 60_000;
/** Ten minutes of good traffic first, so the fault meets windows full of delivered receipts. */
const FAULT_AT = 10 * MINUTE;
const CLEARED_AT = FAULT_AT + 15 * MINUTE;

const silentTwilio =
  (from: number, to: number): Behaviour =>
  (provider, at) =>
    provider === 'twilio' && at >= from && at < to ? 'silent' : 'delivered';

/** When (ms after `from`) the share of `provider` over 10 s first reached `share`, and held until `until`. */
function heldFrom(run: SimulationResult, provider: ProviderName, share: number, from: number, until: number) {
  for (let at = from; at + 10_000 <= until; at += 1_000) {
    let held = true;
    for (let t = at; t + 10_000 <= until; t += 10_000) {
      if (shareOf(run.sends, provider, t, t + 10_000) < share) {
        held = false;
        break;
      }
    }
    if (held) return at - from;
  }
  return Infinity;
}

describe('routing around a silent Twilio at 10 first sends/s, default settings (simulated time)', () => {
  const run = simulate({
    providers: PROVIDERS,
    rules: RULES,
    rate: 10,
    durationMs: CLEARED_AT + 15 * MINUTE,
    behaviour: silentTwilio(FAULT_AT, CLEARED_AT),
    seed: 42,
  });
  const twilioChanges = run.changes.filter((c) => c.provider === 'twilio');
  const at = (to: string) => twilioChanges.find((c) => c.to === to)?.at ?? Infinity;

  it('before the fault every first send goes to Twilio', () => {
    expect(shareOf(run.sends, 'twilio', 0, FAULT_AT)).toBe(1);
  });

  it('≥ 90 % of first sends go to Vonage within 3 minutes of the fault, and stay there', () => {
    const switched = heldFrom(run, 'vonage', 0.9, FAULT_AT, CLEARED_AT);
    console.info(
      `demoted ${((at('demoted') - FAULT_AT) / 1000).toFixed(0)} s after the fault; ≥ 90 % Vonage from ${(switched / 1000).toFixed(0)} s; ` +
        `Vonage share over the rest of the fault ${(shareOf(run.sends, 'vonage', FAULT_AT + switched, CLEARED_AT) * 100).toFixed(1)} %`,
    );
    expect(switched).toBeLessThanOrEqual(3 * MINUTE);
    expect(shareOf(run.sends, 'vonage', FAULT_AT + 3 * MINUTE, CLEARED_AT)).toBeGreaterThanOrEqual(0.9);
  });

  it('Twilio keeps probes while demoted (its ratio can recover) and none of its traffic beyond them', () => {
    const probes = shareOf(run.sends, 'twilio', FAULT_AT + 3 * MINUTE, CLEARED_AT);
    expect(probes).toBeGreaterThan(0.03);
    expect(probes).toBeLessThan(0.08);
  });

  it('once Twilio delivers again it gets its traffic back, gradually, within 10 minutes', () => {
    const returning = at('recovering') - CLEARED_AT;
    const back = at('healthy') - CLEARED_AT;
    const full = heldFrom(run, 'twilio', 1, CLEARED_AT, run.sends.at(-1)?.at ?? 0);
    const halfway = at('recovering') + (RULES.cooldownSeconds * 1000) / 2;
    console.info(
      `after the fault cleared: Twilio recovering at ${(returning / 1000).toFixed(0)} s, promoted at ${(back / 1000).toFixed(0)} s, ` +
        `all first sends from ${(full / 1000).toFixed(0)} s; share halfway through the ramp ${(shareOf(run.sends, 'twilio', halfway - 10_000, halfway + 10_000) * 100).toFixed(0)} %`,
    );
    expect(back).toBeLessThanOrEqual(10 * MINUTE);
    expect(full).toBeLessThanOrEqual(10 * MINUTE);
    // Gradually: halfway through the cooldown about half the first sends are Twilio's.
    expect(shareOf(run.sends, 'twilio', halfway - 10_000, halfway + 10_000)).toBeGreaterThan(0.3);
    expect(shareOf(run.sends, 'twilio', halfway - 10_000, halfway + 10_000)).toBeLessThan(0.75);
  });

  it('moves exactly three times, never flapping: demoted, recovering, healthy; Vonage never moves', () => {
    expect(twilioChanges.map((c) => c.to)).toEqual(['demoted', 'recovering', 'healthy']);
    expect(run.changes.filter((c) => c.provider === 'vonage')).toEqual([]);
  });
});

describe('a failing provider at low volume (simulated time)', () => {
  it('is not taken back on a lucky window of probes', () => {
    // 2 first sends/s: a demoted provider gets about 30 probes a window. Judged on the ratio alone,
    // seed 3 read 20 of 21 delivered (0.952) 20 minutes in and flapped demoted → recovering → demoted.
    for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
      const run = simulate({
        providers: PROVIDERS,
        rules: RULES,
        rate: 2,
        durationMs: 60 * MINUTE,
        behaviour: (provider, _at, draw) =>
          draw < (provider === 'twilio' ? 0.682 : 0.98) ? 'delivered' : 'silent',
        seed,
      });
      expect(run.changes.map((c) => `${c.provider} ${c.to}`)).toEqual(['twilio demoted']);
    }
  });
});

/** A delivery probability plainly failing or healthy: far from both thresholds (0.8 and 0.95). */
const clearProbability = fc.oneof(
  fc.double({ min: 0, max: 0.7, noNaN: true }),
  fc.double({ min: 0.98, max: 1, noNaN: true }),
);
/** A fair one too, between the thresholds (0.84–0.91). */
const steadyProbability = fc.oneof(clearProbability, fc.double({ min: 0.84, max: 0.91, noNaN: true }));

/**
 * Providers' steady delivery probabilities and first sends per second. A fair ratio is only away from
 * the thresholds when the window holds enough outcomes to measure it: a demoted provider is judged
 * on its probes alone (5 % of first sends, about 15 in a 5-minute window at 1/s, where 0.84 reads
 * 0.95 or more by chance about one window in ten), so fair providers get 10 first sends/s or more
 * (150 probes a window: 0.95 is then 3.7 standard deviations above 0.84).
 */
const steadyDelivery = fc.oneof(
  fc.record({ twilio: clearProbability, vonage: clearProbability, rate: fc.integer({ min: 1, max: 20 }) }),
  fc.record({ twilio: steadyProbability, vonage: steadyProbability, rate: fc.integer({ min: 10, max: 20 }) }),
);

describe('no flapping under steady delivery (property, simulated time)', () => {
  it('with each provider delivering at a steady rate, each changes state at most once in an hour', () => {
    fc.assert(
      fc.property(steadyDelivery, fc.integer(), ({ twilio, vonage, rate }, seed) => {
        const delivers: Record<string, number> = { twilio, vonage };
        const run = simulate({
          providers: PROVIDERS,
          rules: RULES,
          rate,
          durationMs: 60 * MINUTE,
          behaviour: (provider, _at, draw) => (draw < (delivers[provider] ?? 1) ? 'delivered' : 'silent'),
          seed,
        });
        for (const provider of PROVIDERS) {
          const moves = run.changes.filter((c) => c.provider === provider);
          expect(moves.length, `${provider}: ${moves.map((m) => m.to).join(' → ')}`).toBeLessThanOrEqual(1);
        }
      }),
      // A fixed seed: the one that found a failing provider near 0.7 at 2 first sends/s reading
      // healthy on a lucky window of probes (it shrank to { twilio: 0.682, vonage: 0.98, rate: 2 }),
      // which recovery's confidence bound now rules out. Left by chance: a run of 22 or more
      // deliveries in a row from a provider delivering 0.6–0.7 at 2–4 first sends/s, which flaps
      // about one simulated hour in 1,000 (7 in 1,000 before the bound), so a random seed could
      // still turn a CI run red now and then.
      { numRuns: 25, seed: -1834735692 },
    );
  });
});
