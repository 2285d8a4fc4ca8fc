import { createLogger, parseEnv } from '@sendcode/runtime';
import { startWorkers, workersEnv } from '@sendcode/workers';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestSystem, type TestSystem } from '../helpers/system.ts';
import { printTally, tallyDeliveries } from '../helpers/tally.ts';

/**
 * Graceful shutdown under load: the workers are closed (what SIGTERM does) while deliveries are in
 * flight; active jobs finish, waiting ones stay queued, and a new worker process picks them up.
 * Nothing is lost, nothing is sent twice, and nobody gets a second code.
 */
let system: TestSystem;
beforeAll(async () => {
  system = await startTestSystem({ WORKER_CONCURRENCY: '5' });
});
afterAll(() => system.close());

it('closing the workers mid-run loses nothing; a restarted worker finishes the queue', {
  timeout: 60_000,
}, async () => {
  const N = 200;
  const destinations = Array.from({ length: N }, (_, i) => `shutdown${i}@example.com`);
  await Promise.all(destinations.map((to) => system.api('POST', '/v1/verifications', { to })));
  await system.workers.close();
  const deliveredBeforeRestart = new Set(system.sandbox.messages().map((m) => m.to)).size;

  const env = { PUBLIC_URL: system.gateway.url, ...system.env };
  const again = await startWorkers(parseEnv(workersEnv, env), createLogger('test', 'silent'));
  try {
    const tally = await tallyDeliveries(system, destinations, 30_000);
    printTally('shutdown', tally, `${deliveredBeforeRestart} delivered before the stop`);
    expect(tally.lost).toBe(0);
    expect(tally.duplicated, tally.copies.slice(0, 10).join('\n')).toBe(0);
  } finally {
    await again.close();
  }
});
