import { join } from 'node:path';
import { gatewayEnv, type RunningGateway, startGateway } from '@sendcode/gateway';
import { createLogger, parseEnv } from '@sendcode/runtime';
import { onTestCluster } from '@sendcode/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { volumeSettingsFile } from '../helpers/settings.ts';
import { startTestSystem, type TestSystem } from '../helpers/system.ts';
import { printTally, startAll, tallyDeliveries } from '../helpers/tally.ts';
import { spawnWorkers, type WorkerProcess } from '../helpers/worker-process.ts';

/**
 * Horizontal: two gateways and two workers processes on one Redis (one server, or the cluster of
 * `npm run test:cluster`). Every verification is sent exactly once (counted at the sandbox) — no
 * duplicate from two workers polling the same queues, and no second code.
 * `HORIZONTAL_N` sets the size (5,000 in the full run; 300 on the cluster). With
 * `HORIZONTAL_LOG_DIR`, the workers log (at `HORIZONTAL_LOG_LEVEL`, `warn` by default) to files
 * there, and a duplicate is explained by its verification's timeline.
 */
const onCluster = onTestCluster();
const N = Number(process.env.HORIZONTAL_N ?? (onCluster ? 300 : 1000));
const LOG_DIR = process.env.HORIZONTAL_LOG_DIR;
let system: TestSystem;
let second: RunningGateway;
const workers: WorkerProcess[] = [];

// Two workers processes start one after the other: on a loaded machine each may take a while.
beforeAll(async () => {
  system = await startTestSystem({ SENDCODE_SETTINGS: volumeSettingsFile() });
  await system.workers.close();
  second = await startGateway(parseEnv(gatewayEnv, system.env), createLogger('test', 'silent'));
  const env = { PUBLIC_URL: system.gateway.url, ...system.env };
  const level = process.env.HORIZONTAL_LOG_LEVEL ?? 'warn';
  const log = (i: number) => (LOG_DIR ? { file: join(LOG_DIR, `workers-${i}.log`), level } : undefined);
  workers.push(await spawnWorkers(env, log(1)), await spawnWorkers(env, log(2)));
}, 150_000);
afterAll(async () => {
  await Promise.all(workers.map((worker) => worker.stop('SIGTERM')));
  await second.close();
  await system.close();
});

/**
 * What the store says of a destination that got more than one message, or none: each timeline
 * event's type, provider, attempt and time (no destination, no code).
 */
async function timelineOf(to: string): Promise<string> {
  const query = new URLSearchParams({ to });
  const { status, body } = await system.api(
    'GET',
    `/v1/support/verifications?${query}`,
    undefined,
    system.supportKey,
  );
  const views = (body?.verifications ?? []) as {
    id: string;
    status: string;
    timeline: { type: string; at: string; provider?: string; detail?: { attempt?: number } }[];
  }[];
  if (views.length === 0) return `support search: ${status} ${body?.error?.code ?? 'none found'}`;
  return views
    .map(({ id, status: now, timeline }) => {
      const events = timeline.map(
        (e) => `${e.type}@${e.provider ?? '-'}#${e.detail?.attempt ?? '-'} ${e.at}`,
      );
      return `${id} (${now}): ${events.join(', ')}`;
    })
    .join('; ');
}

// Timeouts scale with N: on a loaded machine the 5,000 of the full run take minutes.
it(`2 gateways + 2 workers: ${N} verifications, each sent exactly once`, {
  timeout: 120_000 + N * 60,
}, async () => {
  const gateways = [system.gateway.url, second.url];
  const destinations = Array.from({ length: N }, (_, i) =>
    i % 2 === 0 ? `scale${i}@example.com` : `+8180${String(60_000_000 + i).padStart(8, '0')}`,
  );
  await startAll(system, destinations, gateways);
  const tally = await tallyDeliveries(system, destinations, 60_000 + N * 40);
  printTally(`horizontal${onCluster ? ' (cluster)' : ''}`, tally, '2 gateways, 2 workers processes');
  const explained = await Promise.all(
    tally.copies
      .slice(0, 10)
      .map(async (copy) => `${copy}\n  ${await timelineOf(copy.split(': ')[0] ?? '')}`),
  );
  const missing = destinations.filter((to) => !tally.codes.has(to)).slice(0, 5);
  expect(tally.lost, (await Promise.all(missing.map(timelineOf))).join('\n')).toBe(0);
  expect(tally.duplicated, explained.join('\n')).toBe(0);
});
