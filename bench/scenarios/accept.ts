/**
 * accept: `POST /v1/verifications` at fixed concurrency for a bounded time, against an express
 * hello-world JSON POST server measured the same way in the same run, the two taking turns in short
 * rounds. No workers run meanwhile, so
 * the gateway (and Redis) are measured alone; the started verifications simply wait in the queue.
 */
import { freePort } from '@sendcode/testing';
import { startRequest } from '../lib/api.ts';
import { CONFIG } from '../lib/config.ts';
import { type LoadResult, load } from '../lib/load.ts';
import { spawnTsx, waitHttp } from '../lib/processes.ts';
import { type ScenarioResult, target } from '../lib/result.ts';
import { quantile, round } from '../lib/stats.ts';
import type { BenchSystem } from '../lib/system.ts';

/**
 * Rounds of the comparison: ours and the baseline take turns, so a slow spell of the shared machine
 * lands on both rather than on whichever ran during it.
 */
export const ROUNDS = 5;

/** The express hello-world baseline, in its own process, for the duration of `use`. */
async function withHello<T>(use: (url: string) => Promise<T>): Promise<T> {
  const port = await freePort();
  const hello = spawnTsx('hello', 'bench/baselines/hello-server.ts', { BENCH_PORT: String(port) });
  try {
    await waitHttp(`http://127.0.0.1:${port}/healthz`);
    return await use(`http://127.0.0.1:${port}`);
  } finally {
    await hello.stop();
  }
}

function helloLoad(url: string, seconds: number): Promise<LoadResult> {
  const next = () => ({ path: '/v1/verifications', body: { to: '+819012345678', channel: 'sms' } });
  return load({ url, next, connections: CONFIG.connections, seconds });
}

export async function acceptLoad(system: BenchSystem, seconds = CONFIG.seconds): Promise<LoadResult> {
  const result = await load({ ...startRequest(system), connections: CONFIG.connections, seconds });
  if (result.non2xx > 0 || result.errors > 0)
    console.warn(`accept: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  return result;
}

/** Rounds taken as one run: their requests over their time, and the median of their percentiles. */
export function combine(rounds: readonly LoadResult[]): LoadResult {
  const sum = (pick: (round: LoadResult) => number) => rounds.reduce((total, r) => total + pick(r), 0);
  const requests = sum((r) => r.requests);
  const seconds = sum((r) => r.seconds);
  return {
    requests,
    seconds,
    rps: requests / seconds,
    p50: quantile(
      rounds.map((r) => r.p50),
      0.5,
    ),
    p99: quantile(
      rounds.map((r) => r.p99),
      0.5,
    ),
    errors: sum((r) => r.errors),
    non2xx: sum((r) => r.non2xx),
  };
}

export async function acceptScenario(system: BenchSystem) {
  const roundSeconds = Math.max(1, Math.round(CONFIG.seconds / ROUNDS));
  const { accept, hello } = await withHello(async (url) => {
    await helloLoad(url, 1); // warm-up: JIT, connections
    await system.reset();
    await acceptLoad(system, 2); // warm-up: JIT, script cache, connections
    await system.reset();
    const ours: LoadResult[] = [];
    const baseline: LoadResult[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      baseline.push(await helloLoad(url, roundSeconds));
      ours.push(await acceptLoad(system, roundSeconds));
    }
    return { accept: combine(ours), hello: combine(baseline) };
  });
  const ratio = round(accept.rps / hello.rps, 3);
  const result: ScenarioResult = {
    name: 'accept',
    figures: {
      'requests/s': round(accept.rps, 0),
      'p50 ms (median of rounds)': accept.p50,
      'p99 ms (median of rounds)': accept.p99,
      'non-2xx': accept.non2xx + accept.errors,
      'baseline requests/s (express hello)': round(hello.rps, 0),
      'baseline p99 ms (median of rounds)': hello.p99,
      [`ratio (target ≥ 0.35; ${ROUNDS} alternating rounds of ${roundSeconds} s each)`]: ratio,
      'ratio: target': target(ratio, 0.35, 'at least'),
    },
  };
  return { result, accept };
}
