import { onTestCluster } from '@sendcode/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { volumeSettingsFile } from '../helpers/settings.ts';
import { startTestSystem, type TestSystem } from '../helpers/system.ts';
import { printTally, startAll, tallyDeliveries } from '../helpers/tally.ts';
import { spawnWorkers, type WorkerProcess } from '../helpers/worker-process.ts';

/**
 * Crash safety: a workers process is SIGKILLed while `CRASH_N` verifications (1,000 in the full
 * run) are in flight. A new one takes over (the killed one's jobs come back when their locks lapse).
 * Every verification ends delivered; duplicates are counted and bounded by what was in flight, and
 * each is a copy of the one code (the tally fails the run on a second code). Under
 * `npm run test:cluster` it runs on the run's cluster, at 200.
 */
const onCluster = onTestCluster();
const N = Number(process.env.CRASH_N ?? (onCluster ? 200 : 300));
const CONCURRENCY = 10;
let system: TestSystem;
let replacement: WorkerProcess | undefined;

beforeAll(async () => {
  system = await startTestSystem({
    SENDCODE_SETTINGS: volumeSettingsFile(),
    WORKER_CONCURRENCY: String(CONCURRENCY),
    WORKER_LOCK_MS: '2000',
  });
  // The in-process workers step aside: this test needs a process it can kill.
  await system.workers.close();
});
afterAll(async () => {
  await replacement?.stop('SIGTERM');
  await system.close();
});

it(`SIGKILL of a worker with ${N} verifications in flight loses none`, { timeout: 120_000 }, async () => {
  const env = { PUBLIC_URL: system.gateway.url, ...system.env };
  const doomed = await spawnWorkers(env);
  // Slow SMS providers keep plenty in flight when the kill comes.
  for (const provider of ['twilio', 'vonage'] as const) {
    system.sandbox.addFault({ provider, channel: 'sms', mode: 'no_receipt', latencyMs: 40 });
  }
  const destinations = Array.from({ length: N }, (_, i) =>
    i % 2 === 0 ? `crash${i}@example.com` : `+8190${String(50_000_000 + i).padStart(8, '0')}`,
  );
  await startAll(system, destinations);
  await doomed.stop('SIGKILL');
  const deliveredAtKill = new Set(system.sandbox.messages().map((m) => m.to)).size;
  replacement = await spawnWorkers(env);

  const tally = await tallyDeliveries(system, destinations, 90_000);
  printTally(`crash${onCluster ? ' (cluster)' : ''}`, tally, `${deliveredAtKill} delivered before the kill`);
  expect(tally.lost).toBe(0);
  // Only a send the provider accepted just before the kill, not yet recorded, can go out twice:
  // at most one per job slot of the killed process (three queues × concurrency).
  expect(tally.duplicated).toBeLessThanOrEqual(3 * CONCURRENCY);
});
