/**
 * backlog: accept p99 with BENCH_BACKLOG real verifications waiting, against the empty-queue figure.
 * The backlog is made of real starts (`POST /v1/verifications`, same path as every other start) sent
 * while no worker process runs, so every one stays waiting in the SMS queue. Its memory per waiting
 * verification is the "waiting" figure of the cost scenario.
 */
import { startRequest, usedMemory } from '../lib/api.ts';
import { CONFIG } from '../lib/config.ts';
import { type LoadResult, load } from '../lib/load.ts';
import { type ScenarioResult, target } from '../lib/result.ts';
import { round } from '../lib/stats.ts';
import type { BenchSystem } from '../lib/system.ts';
import { acceptLoad } from './accept.ts';

export async function backlogScenario(system: BenchSystem, empty: LoadResult): Promise<ScenarioResult> {
  await system.reset();
  const before = await usedMemory(system);
  const fill = await load({ ...startRequest(system), connections: 64, amount: CONFIG.backlog });
  const waiting = fill.requests - fill.non2xx - fill.errors;
  const after = await usedMemory(system);
  const accept = await acceptLoad(system);
  await system.reset();
  return {
    name: 'backlog',
    figures: {
      'verifications waiting': waiting,
      'fill starts/s': round(fill.rps, 0),
      'accept p99 ms (backlog)': accept.p99,
      'accept p99 ms (empty)': empty.p99,
      'p99 ratio (target ≤ 2)': round(accept.p99 / empty.p99, 2),
      'accept requests/s (backlog)': round(accept.rps, 0),
      'redis bytes per waiting verification': target(round((after - before) / waiting, 0), 2800, 'at most'),
    },
  };
}
