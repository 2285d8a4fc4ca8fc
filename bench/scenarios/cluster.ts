/**
 * cluster: the pipeline (`BENCH_CLUSTER_N` SMS starts → all received by the sandbox, no receipts) on a
 * local three-master Redis Cluster (test/helpers/redis-cluster.ts), gateway and workers connected
 * through `redis+cluster://`, twice, each on a fresh cluster: with every queue in one hash tag
 * (`QUEUE_SHARDS=1`, as before sharding) as the baseline, then at the default QUEUE_SHARDS. Per
 * master: its share of every command the cluster ran (INFO commandstats delta, Lua's inner calls
 * included), commands and Redis CPU ms per delivery, and commands per CPU second (what one node
 * sustains while busy); and which masters hold the queue shards. Target: no master above 45 % of the
 * commands. `npm run bench -- --cluster` runs only this.
 */
import { CLUSTER_QUEUE_SHARDS, DEFAULT_PREFIX, queuePrefix } from '@sendcode/store';
import { Redis } from 'ioredis';
import { type RedisCluster, startRedisCluster } from '../../test/helpers/redis-cluster.ts';
import { commandsRun } from '../lib/api.ts';
import { type ScenarioResult, target } from '../lib/result.ts';
import { round } from '../lib/stats.ts';
import { type BenchSystem, startBenchSystem } from '../lib/system.ts';
import { type Delivered, deliverAll } from './pipeline.ts';

/** CPU seconds one Redis server used so far (INFO cpu: user + system, main thread and children). */
async function cpuSeconds(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const used = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? Number.NaN);
  return used('used_cpu_user') + used('used_cpu_sys');
}

/** Index in `cluster.nodes` of the master serving each hash tag. */
async function mastersOf(cluster: RedisCluster, redis: Redis, tags: readonly string[]): Promise<number[]> {
  const ranges = (await redis.cluster('SLOTS')) as unknown as [number, number, [string, number]][];
  return Promise.all(
    tags.map(async (tag) => {
      const slot = Number(await redis.cluster('KEYSLOT', tag));
      const port = ranges.find(([from, to]) => slot >= from && slot <= to)?.[2][1];
      return cluster.nodes.findIndex((node) => node.port === port);
    }),
  );
}

interface ClusterRun {
  readonly delivered: Delivered;
  /** Per master: commands run and CPU ms used over the run. */
  readonly nodes: ReadonlyArray<{ calls: number; cpuMs: number }>;
  /** Master of each queue shard the run used. */
  readonly queues: readonly number[];
}

/** The pipeline of `n` on a fresh three-master cluster, gateway and workers at `shards` queue shards. */
async function runOnCluster(n: number, shards: number): Promise<ClusterRun> {
  const cluster = await startRedisCluster();
  const nodes = cluster.nodes.map((node) => new Redis(node.url));
  let system: BenchSystem | undefined;
  try {
    system = await startBenchSystem(cluster.url, { QUEUE_SHARDS: String(shards) });
    await system.startWorkers(false);
    const read = () =>
      Promise.all(nodes.map(async (node) => [await commandsRun(node), await cpuSeconds(node)]));
    const before = await read();
    const delivered = await deliverAll(system, n);
    const after = await read();
    const tags = Array.from({ length: shards }, (_, shard) => queuePrefix(DEFAULT_PREFIX, shard));
    return {
      delivered,
      nodes: after.map(([calls = 0, cpu = 0], i) => ({
        calls: calls - (before[i]?.[0] ?? 0),
        cpuMs: (cpu - (before[i]?.[1] ?? 0)) * 1000,
      })),
      queues: await mastersOf(cluster, nodes[0] as Redis, tags),
    };
  } finally {
    await system?.close();
    for (const node of nodes) node.disconnect();
    await cluster.stop();
  }
}

/** Per-master shares of the commands, in %. */
function shares(run: ClusterRun): number[] {
  const total = run.nodes.reduce((sum, node) => sum + node.calls, 0);
  return run.nodes.map((node) => round((100 * node.calls) / total, 1));
}

export async function clusterScenario(n: number): Promise<ScenarioResult> {
  const single = await runOnCluster(n, 1);
  const sharded = await runOnCluster(n, CLUSTER_QUEUE_SHARDS);
  const count = Math.max(1, sharded.delivered.codes.length);
  const perNode = (value: (node: ClusterRun['nodes'][number]) => number) =>
    sharded.nodes.map(value).join(' · ');
  const total = sharded.nodes.reduce((sum, node) => sum + node.calls, 0);
  return {
    name: 'cluster',
    figures: {
      masters: sharded.nodes.length,
      verifications: n,
      'queue shards (QUEUE_SHARDS default on a cluster)': CLUSTER_QUEUE_SHARDS,
      'deliveries/s': round(sharded.delivered.perSecond, 0),
      'accept→provider p50 / p99 ms': `${sharded.delivered.p50} / ${sharded.delivered.p99}`,
      'commands per delivery, whole cluster': round(total / count, 1),
      'share of commands per master, %': shares(sharded).join(' · '),
      'busiest master, % of commands': target(Math.max(...shares(sharded)), 45, 'at most'),
      'commands per delivery per master': perNode((node) => round(node.calls / count, 1)),
      'Redis CPU ms per delivery per master': perNode((node) => round(node.cpuMs / count, 3)),
      'commands per Redis CPU second per master': perNode((node) =>
        round(node.calls / (node.cpuMs / 1000), 0),
      ),
      'master (0-based) of each queue shard': sharded.queues.join(' · '),
      'CPU ms per delivery: gateway · workers': `${sharded.delivered.cpuPerDelivery.gateway} · ${sharded.delivered.cpuPerDelivery.workers}`,
      'baseline, one queue shard (QUEUE_SHARDS=1): deliveries/s': round(single.delivered.perSecond, 0),
      'baseline: share of commands per master, %': shares(single).join(' · '),
      'baseline: CPU ms per delivery: gateway · workers': `${single.delivered.cpuPerDelivery.gateway} · ${single.delivered.cpuPerDelivery.workers}`,
      'deliveries/s sharded ÷ one shard (same run)': round(
        sharded.delivered.perSecond / single.delivered.perSecond,
        2,
      ),
    },
  };
}
