/**
 * accept: `POST /v1/verifications` at fixed concurrency for a bounded time, against an express
 * hello-world JSON POST server measured the same way in the same run. No workers run meanwhile, so
 * the gateway (and Redis) are measured alone; the started verifications simply wait in the queue.
 */
import { freePort } from '../../test/helpers/redis-server.ts';
import { startRequest } from '../lib/api.ts';
import { CONFIG } from '../lib/config.ts';
import { type LoadResult, load } from '../lib/load.ts';
import { spawnTsx, waitHttp } from '../lib/processes.ts';
import type { ScenarioResult } from '../lib/result.ts';
import { round } from '../lib/stats.ts';
import type { BenchSystem } from '../lib/system.ts';

export async function helloBaseline(): Promise<LoadResult> {
  const port = await freePort();
  const hello = spawnTsx('hello', 'bench/baselines/hello-server.ts', { BENCH_PORT: String(port) });
  try {
    await waitHttp(`http://127.0.0.1:${port}/healthz`);
    const url = `http://127.0.0.1:${port}`;
    const next = () => ({ path: '/v1/verifications', body: { to: '+819012345678', channel: 'sms' } });
    await load({ url, next, connections: CONFIG.connections, seconds: 1 }); // warm-up
    return await load({ url, next, connections: CONFIG.connections, seconds: CONFIG.seconds });
  } finally {
    await hello.stop();
  }
}

export async function acceptLoad(system: BenchSystem, seconds = CONFIG.seconds): Promise<LoadResult> {
  const result = await load({ ...startRequest(system), connections: CONFIG.connections, seconds });
  if (result.non2xx > 0 || result.errors > 0)
    console.warn(`accept: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  return result;
}

export async function acceptScenario(system: BenchSystem, hello: LoadResult) {
  await system.reset();
  await acceptLoad(system, 2); // warm-up: JIT, script cache, connections
  await system.reset();
  const accept = await acceptLoad(system);
  const result: ScenarioResult = {
    name: 'accept',
    figures: {
      'requests/s': round(accept.rps, 0),
      'p50 ms': accept.p50,
      'p99 ms': accept.p99,
      'non-2xx': accept.non2xx + accept.errors,
      'baseline requests/s (express hello)': round(hello.rps, 0),
      'baseline p99 ms': hello.p99,
      'ratio (target ≥ 0.35)': round(accept.rps / hello.rps, 3),
    },
  };
  return { result, accept };
}
