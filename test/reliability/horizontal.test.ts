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
 * duplicate from two workers polling the same queues, and no second code — but for a copy that a
 * provider call which timed out explains (see the test).
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
 * A destination's verification as support sees it: one line of its status and timeline (event type,
 * provider, attempt, time; no destination, no code), and how many provider calls failed as
 * retryable — a timed-out call among them, which the provider may have taken all the same.
 */
async function supportView(to: string): Promise<{ line: string; retried: number }> {
  const query = new URLSearchParams({ to });
  const path = `/v1/support/verifications?${query}`;
  const { status, body } = await system.api('GET', path, undefined, system.supportKey);
  const [view] = (body?.verifications ?? []) as {
    id: string;
    status: string;
    timeline: { type: string; at: string; provider?: string; detail?: { attempt?: number; kind?: string } }[];
  }[];
  if (view === undefined)
    return { line: `support: ${status} ${body?.error?.code ?? 'none found'}`, retried: 0 };
  const events = view.timeline.map(
    (e) => `${e.type}@${e.provider ?? '-'}#${e.detail?.attempt ?? '-'} ${e.at}`,
  );
  const retried = view.timeline.filter((e) => e.type === 'send_failed' && e.detail?.kind === 'retryable');
  return { line: `${view.id} (${view.status}): ${events.join(', ')}`, retried: retried.length };
}

/**
 * Exactly once, but for the one copy a provider call may make that timed out (or failed retryably)
 * after the provider took it: it is retried. A copy no such call explains (two workers running one
 * job, say) fails the run. Timeouts scale with N: on a loaded machine the 5,000 take minutes.
 */
it(`2 gateways + 2 workers: ${N} verifications, each sent exactly once`, {
  timeout: 120_000 + N * 60,
}, async () => {
  const gateways = [system.gateway.url, second.url];
  const destinations = Array.from({ length: N }, (_, i) =>
    i % 2 === 0 ? `scale${i}@example.com` : `+8180${String(60_000_000 + i).padStart(8, '0')}`,
  );
  await startAll(system, destinations, gateways);
  const tally = await tallyDeliveries(system, destinations, 60_000 + N * 40);
  const received = new Map<string, number>();
  for (const { to } of system.sandbox.messages()) received.set(to, (received.get(to) ?? 0) + 1);
  const copied = [...received].filter(([, count]) => count > 1);
  const views = await Promise.all(copied.map(async ([to, count]) => ({ count, ...(await supportView(to)) })));
  const retriedCalls = views.reduce((sum, view) => sum + view.retried, 0);
  printTally(
    `horizontal${onCluster ? ' (cluster)' : ''}`,
    tally,
    `2 gateways, 2 workers processes; ${copied.length} destinations with copies, ${retriedCalls} retried provider calls among them`,
  );
  const missing = destinations.filter((to) => !tally.codes.has(to)).slice(0, 5);
  const lostViews = await Promise.all(missing.map(supportView));
  expect(tally.lost, lostViews.map((view) => view.line).join('\n')).toBe(0);
  const unexplained = views.filter((view) => view.count - 1 > view.retried);
  expect(unexplained.map((view) => `${view.count} messages: ${view.line}`)).toEqual([]);
});
