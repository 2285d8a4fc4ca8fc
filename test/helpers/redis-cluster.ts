import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { type RedisServer, startRedisServer } from '../../packages/testing/src/redis-server.ts';

const run = promisify(execFile);

/** A local Redis Cluster: three masters, no replicas, each a redis-server child on a free port. */
export interface RedisCluster {
  readonly nodes: readonly RedisServer[];
  /** `redis+cluster://127.0.0.1:P1,127.0.0.1:P2,127.0.0.1:P3`, as Sendcode's REDIS_URL takes it. */
  readonly url: string;
  /** Stops every node and removes its data. */
  stop(): Promise<void>;
}

async function clusterState(port: number): Promise<string> {
  const { stdout } = await run('redis-cli', ['-p', String(port), 'cluster', 'info']);
  return /cluster_state:(\w+)/.exec(stdout)?.[1] ?? 'unknown';
}

/**
 * Starts three cluster-mode redis-servers, joins them with `redis-cli --cluster create`, waits for
 * `cluster_state:ok`. `extraArgs` go to every node (persistence, for a suite that restarts them).
 */
export async function startRedisCluster(
  masters = 3,
  extraArgs: readonly string[] = [],
): Promise<RedisCluster> {
  const nodes: RedisServer[] = [];
  const stop = async () => {
    await Promise.all(nodes.map((node) => node.stop()));
  };
  try {
    for (let i = 0; i < masters; i++) {
      nodes.push(
        await startRedisServer([
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          'nodes.conf',
          '--cluster-node-timeout',
          '5000',
          ...extraArgs,
        ]),
      );
    }
    const addresses = nodes.map((node) => `127.0.0.1:${node.port}`);
    await run('redis-cli', ['--cluster', 'create', ...addresses, '--cluster-replicas', '0', '--cluster-yes']);
    const deadline = Date.now() + 20_000;
    for (;;) {
      const states = await Promise.all(nodes.map((node) => clusterState(node.port)));
      if (states.every((state) => state === 'ok')) break;
      if (Date.now() > deadline) throw new Error(`cluster not ok: ${states.join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return { nodes, url: `redis+cluster://${addresses.join(',')}`, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
