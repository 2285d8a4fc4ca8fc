import { afterAll, beforeAll, expect, it } from 'vitest';
import { volumeSettingsFile } from '../helpers/settings.ts';
import { startTestSystem, type TestSystem } from '../helpers/system.ts';
import { printTally, startAll, tallyDeliveries } from '../helpers/tally.ts';

/**
 * Provider chaos: every provider fails 30 % of calls (and answers slowly) for a whole run. Every
 * verification must still be delivered within its lifetime, through retries and failover, and a retry
 * of a call that timed out may repeat the code but never send another. Prints lost, duplicated and the
 * p99 time to delivery. `CHAOS_N` sets the run's size (2,000 in the full run).
 */
const N = Number(process.env.CHAOS_N ?? 400);
let system: TestSystem;

beforeAll(async () => {
  system = await startTestSystem({
    SENDCODE_SETTINGS: volumeSettingsFile(),
    DELIVERY_BACKOFF_MS: '200',
    WORKER_CONCURRENCY: '50',
  });
  for (const [provider, channel] of [
    ['twilio', 'sms'],
    ['vonage', 'sms'],
    ['smtp', 'email'],
  ] as const) {
    system.sandbox.addFault({
      provider,
      channel,
      mode: 'error',
      status: provider === 'smtp' ? 451 : 503,
      rate: 0.3,
      latencyMs: 20,
    });
  }
});
afterAll(() => system.close());

it(`delivers all of ${N} verifications while every provider fails 30 % of calls`, {
  timeout: 240_000,
}, async () => {
  const destinations = Array.from({ length: N }, (_, i) =>
    i % 2 === 0 ? `chaos${i}@example.com` : `+8190${String(40_000_000 + i).padStart(8, '0')}`,
  );
  const started = await startAll(system, destinations);
  const waitMs = Number(process.env.CHAOS_WAIT_MS ?? 200_000);
  const tally = await tallyDeliveries(system, destinations, waitMs);
  const { lost, firstAt } = tally;
  const latencies = destinations
    .map((to) => (firstAt.get(to) ?? Number.POSITIVE_INFINITY) - (started.get(to) ?? 0))
    .sort((a, b) => a - b);
  const p99 = latencies[Math.floor(latencies.length * 0.99)] ?? Number.POSITIVE_INFINITY;
  printTally('chaos', tally, `p99 time to delivery ${p99} ms`);
  expect(lost).toBe(0);
  // Within the code's lifetime (600 s), with room to spare.
  expect(p99).toBeLessThan(600_000);
});
