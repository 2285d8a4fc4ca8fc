/**
 * routing: how fast routing by delivery health moves first sends off a provider that accepts but does
 * not deliver, and back, at the default settings (5 min window, 60 s SMS receipt timeout, 3 min
 * cooldown) — in minutes of a clock running BENCH_ROUTING_SCALE times faster than the wall's (20;
 * quick 60). The parts are the real ones over the bench's Redis: the store's health hashes and Lua
 * scripts, the engine's routing (its cache, the compare-and-set of moves) and policy's decision. The
 * providers are stood in for by timers, on the scaled clock: at 10 first sends/s, a delivered receipt
 * 3 s after a send, or for Twilio during the fault no receipt, counted when the 60 s timeout passes.
 * Ten good minutes, fifteen of fault, fifteen after.
 */
import { createProviderRouting, providerHealthConfig } from '@sendcode/engine';
import { DEFAULT_SETTINGS, type ProviderName } from '@sendcode/policy';
import { createLogger } from '@sendcode/runtime';
import { createProviderHealth } from '@sendcode/store';
import { CONFIG } from '../lib/config.ts';
import type { ScenarioResult } from '../lib/result.ts';
import { round, sleep } from '../lib/stats.ts';
import type { BenchSystem } from '../lib/system.ts';

const RATE = 10;
const MINUTE = 60_000;
const FAULT_AT = 10 * MINUTE;
const CLEARED_AT = FAULT_AT + 15 * MINUTE;
const END = CLEARED_AT + 15 * MINUTE;
const RECEIPT_MS = 3_000;
const TIMEOUT_MS = 60_000;
const PROVIDERS: readonly ProviderName[] = ['twilio', 'vonage'];

export async function routingScenario(system: BenchSystem): Promise<ScenarioResult> {
  await system.reset();
  const scale = Number(process.env.BENCH_ROUTING_SCALE ?? (CONFIG.quick ? 60 : 20));
  const startedAt = Date.now();
  const epoch = Date.UTC(2025, 0, 1);
  /** Scaled ms since the start. */
  const elapsed = () => (Date.now() - startedAt) * scale;
  const now = () => epoch + Math.floor(elapsed());
  const rules = DEFAULT_SETTINGS.providerHealth;
  const health = createProviderHealth({
    redis: system.redis,
    prefix: 'bench-routing',
    ...providerHealthConfig(DEFAULT_SETTINGS),
  });
  const routing = createProviderRouting({
    health,
    rules,
    logger: createLogger('bench', 'silent'),
    now,
    random: Math.random,
    cacheMs: 1_000,
  });
  const later = (scaledMs: number, run: () => Promise<void>) =>
    new Promise<void>((resolve, reject) => {
      setTimeout(() => run().then(resolve, reject), scaledMs / scale);
    });

  const sends: { at: number; first: ProviderName }[] = [];
  const outcomes: Promise<void>[] = [];
  let made = 0;
  while (elapsed() < END) {
    // Every send due by now on the scaled clock (timers are coarser than 10 sends a scaled second).
    for (; made < Math.floor((elapsed() * RATE) / 1000); made += 1) {
      const at = (made * 1000) / RATE;
      const order = await routing.order('sms', PROVIDERS);
      const first = order.order[0] ?? 'twilio';
      sends.push({ at, first });
      const silent = first === 'twilio' && at >= FAULT_AT && at < CLEARED_AT;
      outcomes.push(
        silent
          ? later(TIMEOUT_MS, () => health.record('twilio:sms', 'no_receipt', now()))
          : later(RECEIPT_MS, () => health.record(`${first}:sms`, 'delivered', now(), RECEIPT_MS)),
      );
    }
    await sleep(5);
  }
  await Promise.all(outcomes);

  const share = (provider: ProviderName, from: number, to: number) => {
    const within = sends.filter((s) => s.at >= from && s.at < to);
    return within.length === 0 ? 0 : within.filter((s) => s.first === provider).length / within.length;
  };
  /** Scaled seconds after `from` from which every 10 s of sends had ≥ `least` of `provider`, until `until`. */
  const heldFrom = (provider: ProviderName, least: number, from: number, until: number) => {
    for (let at = from; at + 10_000 <= until; at += 1_000) {
      let held = true;
      for (let t = at; t + 10_000 <= until && held; t += 10_000)
        held = share(provider, t, t + 10_000) >= least;
      if (held) return (at - from) / 1000;
    }
    return Number.NaN;
  };
  const switched = heldFrom('vonage', 0.9, FAULT_AT, CLEARED_AT);
  const back = heldFrom('twilio', 0.9, CLEARED_AT, END);
  const stored = await system.redis.hmget('bench-routing:ph:{twilio:sms}', 'state', 'v');
  await system.reset();
  return {
    name: 'routing',
    figures: {
      'clock scale (scaled s per real s)': scale,
      'first sends/s (scaled)': RATE,
      's to ≥ 90 % of first sends through Vonage after Twilio went silent (scaled)': switched,
      'Vonage share of first sends from then until cleared': round(
        share('vonage', FAULT_AT + switched * 1000, CLEARED_AT),
        3,
      ),
      's to ≥ 90 % through Twilio again after it delivered again (scaled)': back,
      'Twilio routing moves stored (3 = demoted, recovering, healthy)': Number(stored[1] ?? 0),
      'Twilio state at the end': stored[0] ?? 'healthy',
      'real seconds': round((Date.now() - startedAt) / 1000, 0),
    },
  };
}
