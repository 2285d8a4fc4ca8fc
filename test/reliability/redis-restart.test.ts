import { onTestCluster, type RedisServer, startRedisServer } from '@sendcode/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startRedisCluster } from '../helpers/redis-cluster.ts';
import { volumeSettingsFile } from '../helpers/settings.ts';
import { startTestSystem, type TestSystem } from '../helpers/system.ts';
import { printTally, startAll, tallyDeliveries } from '../helpers/tally.ts';

/**
 * Redis restarts (AOF, everysec) in the middle of a run. Every verification accepted before it lost
 * nothing; gateway and workers reconnect by themselves and finish the work, each with its one code.
 * Under `npm run test:cluster` it is a cluster of its own (three masters) that restarts, every node
 * at once: restarting the run's shared cluster would break the suites running beside this one.
 */
const onCluster = onTestCluster();
const N = Number(process.env.RESTART_N ?? (onCluster ? 200 : 300));
const AOF = ['--appendonly', 'yes', '--appendfsync', 'everysec'];
let nodes: readonly RedisServer[];
let stopRedis: () => Promise<void>;
let system: TestSystem;

beforeAll(async () => {
  const redis = onCluster ? await startRedisCluster({ extraArgs: AOF }) : await startRedisServer(AOF);
  nodes = 'nodes' in redis ? redis.nodes : [redis];
  stopRedis = () => redis.stop();
  system = await startTestSystem({
    REDIS_URL: redis.url,
    SENDCODE_SETTINGS: volumeSettingsFile(),
    WORKER_CONCURRENCY: '5',
    WORKER_LOCK_MS: '2000',
  });
});
afterAll(async () => {
  await system?.close();
  await stopRedis?.();
});

it(`a Redis restart mid-run loses none of ${N} accepted verifications`, { timeout: 120_000 }, async () => {
  const destinations = Array.from({ length: N }, (_, i) => `restart${i}@example.com`);
  await startAll(system, destinations);
  await Promise.all(nodes.map((node) => node.kill()));
  const deliveredAtRestart = new Set(system.sandbox.messages().map((m) => m.to)).size;
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  await Promise.all(nodes.map((node) => node.start()));

  const tally = await tallyDeliveries(system, destinations, 90_000);
  printTally(
    `redis restart${onCluster ? ' (cluster, every node)' : ''}`,
    tally,
    `${deliveredAtRestart} delivered before it`,
  );
  expect(tally.lost).toBe(0);
});
