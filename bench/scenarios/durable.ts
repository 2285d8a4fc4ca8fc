/**
 * durable: what durable accept costs a start. `POST /v1/verifications` at fixed concurrency against
 * two gateways on one Redis that has one replica (a second redis-server with `--replicaof`): one with
 * `REDIS_WAIT_REPLICAS=0` (the baseline), one with `REDIS_WAIT_REPLICAS=1`, whose every 201 waits for
 * a WAIT on the connection its writes took. They take turns in short rounds, as accept does.
 */
import { freePort, startReplicatedRedis } from '@sendcode/testing';
import { Redis } from 'ioredis';
import { startRequest } from '../lib/api.ts';
import { CONFIG } from '../lib/config.ts';
import { type LoadResult, load } from '../lib/load.ts';
import { type Child, spawnTsx, waitHttp } from '../lib/processes.ts';
import type { ScenarioResult } from '../lib/result.ts';
import { round } from '../lib/stats.ts';
import type { BenchSystem } from '../lib/system.ts';
import { combine, ROUNDS } from './accept.ts';

/** A gateway process on `redisUrl` with `REDIS_WAIT_REPLICAS=replicas`, and its URL. */
async function gateway(system: BenchSystem, redisUrl: string, replicas: number) {
  const port = await freePort();
  const child = spawnTsx(`gateway-wait-${replicas}`, 'apps/gateway/src/main.ts', {
    ...system.env,
    REDIS_URL: redisUrl,
    REDIS_WAIT_REPLICAS: String(replicas),
    PORT: String(port),
  });
  const url = `http://127.0.0.1:${port}`;
  await waitHttp(`${url}/readyz`);
  return { child, url };
}

function startLoad(system: BenchSystem, url: string, seconds: number): Promise<LoadResult> {
  return load({ ...startRequest(system), url, connections: CONFIG.connections, seconds });
}

/** WAIT commands the master has run so far (INFO commandstats). */
async function waits(redis: Redis): Promise<number> {
  return Number(/cmdstat_wait:calls=(\d+)/.exec(await redis.info('commandstats'))?.[1] ?? 0);
}

export async function durableScenario(system: BenchSystem): Promise<ScenarioResult> {
  const servers = await startReplicatedRedis();
  const { master } = servers;
  const redis = new Redis(master.url);
  const children: Child[] = [];
  try {
    const off = await gateway(system, master.url, 0);
    const on = await gateway(system, master.url, 1);
    children.push(off.child, on.child);
    const roundSeconds = Math.max(1, Math.round(CONFIG.seconds / ROUNDS));
    await startLoad(system, off.url, 1); // warm-up: JIT, script cache, connections
    await startLoad(system, on.url, 1);
    const waitsBefore = await waits(redis);
    const rounds = { off: [] as LoadResult[], on: [] as LoadResult[] };
    for (let i = 0; i < ROUNDS; i++) {
      rounds.off.push(await startLoad(system, off.url, roundSeconds));
      rounds.on.push(await startLoad(system, on.url, roundSeconds));
    }
    const [wait0, wait1] = [combine(rounds.off), combine(rounds.on)];
    const waitsPerStart = ((await waits(redis)) - waitsBefore) / wait1.requests;
    return {
      name: 'durable',
      figures: {
        'off: requests/s': round(wait0.rps, 0),
        'off: p50 / p99 ms (median of rounds)': `${wait0.p50} / ${wait0.p99}`,
        'on (REDIS_WAIT_REPLICAS=1): requests/s': round(wait1.rps, 0),
        'on: p50 / p99 ms (median of rounds)': `${wait1.p50} / ${wait1.p99}`,
        'WAITs per start, on (off sends none)': round(waitsPerStart, 2),
        'non-2xx (off, on)': `${wait0.non2xx + wait0.errors}, ${wait1.non2xx + wait1.errors}`,
        [`ratio on/off requests/s (${ROUNDS} alternating rounds of ${roundSeconds} s each)`]: round(
          wait1.rps / wait0.rps,
          3,
        ),
      },
    };
  } finally {
    await Promise.all(children.map((child) => child.stop()));
    redis.disconnect();
    await servers.stop();
  }
}
