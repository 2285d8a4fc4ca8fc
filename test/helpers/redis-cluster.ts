import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { type RedisServer, startRedisServer } from '../../packages/testing/src/redis-server.ts';

const run = promisify(execFile);

/** A local Redis Cluster, each node a redis-server child on a free port. */
export interface RedisCluster {
  /** Masters first, then their replicas (as `redis-cli --cluster create` pairs them, not for good). */
  readonly nodes: readonly RedisServer[];
  /** `redis+cluster://127.0.0.1:P1,127.0.0.1:P2,…`, as Sendcode's REDIS_URL takes it. */
  readonly url: string;
  /**
   * Waits until every node but `down` says `cluster_state:ok` and, when `down` is given, the others
   * have marked it failed (so a replica took over its slots) — or, without it, every master has its
   * replicas connected and each replica its link up.
   */
  settled(down?: RedisServer): Promise<void>;
  /** Stops every node and removes its data. */
  stop(): Promise<void>;
}

export interface RedisClusterOptions {
  /** Default 3. */
  readonly masters?: number;
  /** Replicas per master; default 0. */
  readonly replicas?: number;
  /** `cluster-node-timeout`: how long a silent master has before its replica takes over; default 5000. */
  readonly nodeTimeoutMs?: number;
  /** Arguments for every node (persistence, for a suite that restarts them). */
  readonly extraArgs?: readonly string[];
}

const cli = async (node: RedisServer, ...args: string[]) =>
  (await run('redis-cli', ['-p', String(node.port), ...args])).stdout;

const field = (text: string, name: string) => new RegExp(`${name}:(\\w+)`).exec(text)?.[1];

/** Whether `node` sees the cluster whole, and its replication as `replicas` asks. */
async function nodeSettled(node: RedisServer, replicas: number): Promise<boolean> {
  if (field(await cli(node, 'cluster', 'info'), 'cluster_state') !== 'ok') return false;
  const replication = await cli(node, 'info', 'replication');
  return field(replication, 'role') === 'master'
    ? Number(field(replication, 'connected_slaves')) >= replicas
    : field(replication, 'master_link_status') === 'up';
}

/** Whether `node`'s view of the cluster flags the node on `port` as failed (`fail`, not `fail?`). */
async function seesFailed(node: RedisServer, port: number): Promise<boolean> {
  const line = (await cli(node, 'cluster', 'nodes')).split('\n').find((l) => l.includes(`:${port}@`));
  return line?.split(' ')[2]?.split(',').includes('fail') ?? false;
}

/**
 * Starts `masters × (1 + replicas)` cluster-mode redis-servers, joins them with
 * `redis-cli --cluster create … --cluster-replicas`, and waits until it is settled.
 */
export async function startRedisCluster(options: RedisClusterOptions = {}): Promise<RedisCluster> {
  const { masters = 3, replicas = 0, nodeTimeoutMs = 5_000, extraArgs = [] } = options;
  const nodes: RedisServer[] = [];
  const stop = async () => {
    await Promise.all(nodes.map((node) => node.stop()));
  };
  const settled = async (down?: RedisServer) => {
    const up = nodes.filter((node) => node !== down);
    const deadline = Date.now() + 30_000;
    for (;;) {
      const views = await Promise.all(
        up.map(async (node) =>
          down === undefined
            ? nodeSettled(node, replicas)
            : (await seesFailed(node, down.port)) &&
              field(await cli(node, 'cluster', 'info'), 'cluster_state') === 'ok',
        ),
      );
      if (views.every(Boolean)) return;
      if (Date.now() > deadline) throw new Error(`cluster not settled: ${views.join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  try {
    for (let i = 0; i < masters * (1 + replicas); i++) {
      nodes.push(
        await startRedisServer([
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          'nodes.conf',
          '--cluster-node-timeout',
          String(nodeTimeoutMs),
          ...extraArgs,
        ]),
      );
    }
    const addresses = nodes.map((node) => `127.0.0.1:${node.port}`);
    await run('redis-cli', [
      '--cluster',
      'create',
      ...addresses,
      '--cluster-replicas',
      String(replicas),
      '--cluster-yes',
    ]);
    await settled();
    return { nodes, url: `redis+cluster://${addresses.join(',')}`, settled, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
