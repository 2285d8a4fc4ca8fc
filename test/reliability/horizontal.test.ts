import { gatewayEnv, type RunningGateway, startGateway } from '@sendcode/gateway';
import { createLogger, parseEnv } from '@sendcode/runtime';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { volumeSettingsFile } from '../helpers/settings.ts';
import { startTestSystem, type TestSystem } from '../helpers/system.ts';
import { startAll, tallyDeliveries } from '../helpers/tally.ts';
import { spawnWorkers, type WorkerProcess } from '../helpers/worker-process.ts';

/**
 * Horizontal: two gateways and two workers processes on one Redis. Every verification is sent
 * exactly once (counted at the sandbox) — no duplicate from two workers polling the same queues, and
 * no second code.
 * `HORIZONTAL_N` sets the size (5,000 in the full run).
 */
const N = Number(process.env.HORIZONTAL_N ?? 1000);
let system: TestSystem;
let second: RunningGateway;
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  system = await startTestSystem({ SENDCODE_SETTINGS: volumeSettingsFile() });
  await system.workers.close();
  second = await startGateway(parseEnv(gatewayEnv, system.env), createLogger('test', 'silent'));
  const env = { PUBLIC_URL: system.gateway.url, ...system.env };
  workers.push(await spawnWorkers(env), await spawnWorkers(env));
});
afterAll(async () => {
  await Promise.all(workers.map((worker) => worker.stop('SIGTERM')));
  await second.close();
  await system.close();
});

it(`2 gateways + 2 workers: ${N} verifications, each sent exactly once`, { timeout: 180_000 }, async () => {
  const gateways = [system.gateway.url, second.url];
  const destinations = Array.from({ length: N }, (_, i) =>
    i % 2 === 0 ? `scale${i}@example.com` : `+8180${String(60_000_000 + i).padStart(8, '0')}`,
  );
  await startAll(system, destinations, gateways);
  const { lost, duplicated, copies } = await tallyDeliveries(system, destinations, 120_000);
  console.log(
    `horizontal: ${N} verifications over 2 gateways and 2 workers, lost ${lost}, duplicated ${duplicated}`,
  );
  expect(lost).toBe(0);
  expect(duplicated, copies.slice(0, 10).join('\n')).toBe(0);
});
