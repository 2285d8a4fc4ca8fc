import { gatewayEnv, type RunningGateway, startGateway } from '@sendcode/gateway';
import { createLogger, parseEnv } from '@sendcode/runtime';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { volumeSettingsFile } from '../helpers/settings.ts';
import { startTestSystem, type TestSystem } from '../helpers/system.ts';
import { spawnWorkers, type WorkerProcess } from '../helpers/worker-process.ts';

/**
 * Horizontal: two gateways and two workers processes on one Redis. Every verification is sent
 * exactly once (counted at the sandbox) — no duplicate from two workers polling the same queues.
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
  for (let i = 0; i < N; i += 50) {
    const answers = await Promise.all(
      destinations.slice(i, i + 50).map((to, j) =>
        fetch(`${gateways[j % 2]}/v1/verifications`, {
          method: 'POST',
          headers: { authorization: `Bearer ${system.verifyKey}`, 'content-type': 'application/json' },
          body: JSON.stringify({ to }),
        }),
      ),
    );
    expect(answers.map((answer) => answer.status).filter((status) => status !== 201)).toEqual([]);
  }
  const deadline = Date.now() + 120_000;
  while (system.sandbox.messages().length < N && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await new Promise((resolve) => setTimeout(resolve, 500));
  const counts = new Map<string, number>();
  for (const message of system.sandbox.messages()) counts.set(message.to, (counts.get(message.to) ?? 0) + 1);
  const lost = destinations.filter((to) => !counts.has(to)).length;
  const duplicated = [...counts.values()].reduce((sum, count) => sum + count - 1, 0);
  console.log(
    `horizontal: ${N} verifications over 2 gateways and 2 workers, lost ${lost}, duplicated ${duplicated}`,
  );
  expect(lost).toBe(0);
  expect(duplicated).toBe(0);
});
