import {
  createDeliveryQueues,
  createRedisConnection,
  nodeOf,
  type RedisConnection,
  verificationKeys,
} from '@sendcode/store';
import type { RedisServer } from '@sendcode/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { faultFigures, startFaultSystem, startRetrying, statusCounts, whyLost } from '../helpers/faults.ts';
import { type RedisCluster, startRedisCluster } from '../helpers/redis-cluster.ts';
import type { TestSystem } from '../helpers/system.ts';
import { printFigures } from '../helpers/tally.ts';

/**
 * Master failover on Redis Cluster: three masters with one replica each and a short
 * `cluster-node-timeout`. Under load from clients that retry a 503, the master holding the queues'
 * slot is killed with SIGKILL; once its replica has taken over, the killed node comes back (empty, as
 * a replica of its successor) and the master holding some of the verifications is killed the same
 * way. Redis replicates asynchronously, so a write the killed master answered may never reach the
 * replica promoted in its place: with durable accept off (`REDIS_WAIT_REPLICAS=0`) the loss is
 * measured and printed; with it on, nothing answered 201 may be lost. Nobody ever gets a second code.
 * Gateway and workers are left to recover by themselves (the workers' watchdog armed at 5 s).
 */
const N = Number(process.env.FAILOVER_N ?? 150);
const NODE_TIMEOUT_MS = 1_000;
const CONCURRENCY = Number(process.env.FAILOVER_CONCURRENCY ?? 10);
let cluster: RedisCluster;

beforeAll(async () => {
  cluster = await startRedisCluster({ replicas: 1, nodeTimeoutMs: NODE_TIMEOUT_MS });
});
afterAll(async () => {
  await cluster?.stop();
});

/** The cluster node that is master now for the key `keyOf` names, as a fresh client's slot map has it. */
async function masterOf(keyOf: (redis: RedisConnection) => Promise<string>): Promise<RedisServer> {
  const redis = createRedisConnection(cluster.url);
  try {
    await new Promise((resolve) => redis.once('ready', resolve));
    const { port } = nodeOf(redis, await keyOf(redis)).options;
    const node = cluster.nodes.find((n) => n.port === port);
    if (!node) throw new Error(`no node on port ${port}`);
    return node;
  } finally {
    redis.disconnect();
  }
}

/** A key of the email queue's first shard (every start here is an email). */
async function queueKey(redis: RedisConnection, prefix: string): Promise<string> {
  const queues = createDeliveryQueues(redis, prefix);
  await queues.close();
  return queues.queue('email', 0).toKey('wait');
}

/** Kills `node` with SIGKILL mid-load, waits for its replica to take over, then brings it back as a replica. */
async function failOver(node: RedisServer): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, 500));
  const at = Date.now();
  await node.crash();
  await cluster.settled(node);
  const tookMs = Date.now() - at;
  await node.start();
  await cluster.settled();
  return tookMs;
}

/** Starts `N` verifications while `node` fails over; counts what arrived. */
async function underFailover(system: TestSystem, name: string, node: () => Promise<RedisServer>) {
  const to = Array.from({ length: N }, (_, i) => `${name}${i}@example.com`);
  const victim = await node();
  const load = startRetrying(system, to, {
    concurrency: CONCURRENCY,
    retryUntil: Date.now() + 60_000 + N * 20,
  });
  const tookMs = await failOver(victim);
  const { attempts, accepted } = await load;
  const figures = await faultFigures(system, to, accepted, 30_000 + N * 40);
  // 503 (a master away, or a write short of its replica) and 409/429 are answers; a 500 is not.
  expect(attempts.filter((a) => a.status >= 500 && a.status !== 503)).toEqual([]);
  expect(attempts.filter((a) => a.status === 503 && a.retryAfter === null)).toEqual([]);
  expect(figures.secondCodes).toBe(0);
  return { attempts, figures, tookMs, why: () => whyLost(system, attempts) };
}

const FAULTS = ['queues', 'verifications'] as const;

for (const durable of [false, true]) {
  describe(`durable accept ${durable ? 'on' : 'off'} (REDIS_WAIT_REPLICAS=${durable ? 1 : 0})`, () => {
    let system: TestSystem;
    beforeAll(async () => {
      system = await startFaultSystem(cluster.url, {
        WORKER_LOCK_MS: '5000',
        REDIS_WAIT_REPLICAS: durable ? '1' : '0',
      });
    });
    afterAll(async () => {
      // Under load, closing after two failovers has twice outlasted the 60 s hook, in one run of
      // three (not explained yet: issue 18's note). Bounded and said; the cluster's stop below ends
      // whatever is left of it.
      const closed = system?.close().then(() => true);
      const timer = new Promise<false>((resolve) => setTimeout(resolve, 30_000, false).unref());
      if (!(await Promise.race([closed, timer])))
        console.warn('failover: the system did not close within 30 s');
    }, 45_000);

    const prefix = () => system.env.SENDCODE_PREFIX as string;
    const queues = () => masterOf((redis) => queueKey(redis, prefix()));
    const victims: Record<(typeof FAULTS)[number], () => Promise<RedisServer>> = {
      queues,
      // A master the queues are not on: it holds about a third of the verifications.
      verifications: async () => {
        const avoid = await queues();
        for (let i = 0; ; i++) {
          const node = await masterOf(async () => verificationKeys(prefix(), `ver_${i}`).record);
          if (node !== avoid) return node;
        }
      },
    };

    for (const fault of FAULTS) {
      it(`kill -9 of the master holding the ${fault}: ${durable ? 'nothing answered 201 is lost' : 'the loss measured'}, no second code`, {
        timeout: 180_000 + N * 60,
      }, async () => {
        const { attempts, figures, tookMs, why } = await underFailover(
          system,
          `${fault}${durable ? 'on' : 'off'}`,
          victims[fault],
        );
        printFigures(
          `master failover (${fault === 'queues' ? "the queues'" : "a verifications'"} node), durable accept ${durable ? 'on' : 'off'}`,
          figures,
          `failover took ${(tookMs / 1000).toFixed(1)} s; answers ${statusCounts(attempts)}`,
        );
        if (durable) {
          if (figures.lost > 0) console.log(await why());
          expect(figures.lost).toBe(0);
        }
        expect(figures.accepted).toBeGreaterThan(0);
      });
    }
  });
}
