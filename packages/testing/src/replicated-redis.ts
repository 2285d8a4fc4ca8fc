import { Redis } from 'ioredis';
import { type RedisServer, startRedisServer } from './redis-server.ts';

/** A redis-server with one replica of its own (`--replicaof`), for durable accept's tests. */
export interface ReplicatedRedis {
  readonly master: RedisServer;
  readonly replica: RedisServer;
  /** Resolves once the master counts the replica in sync (after a `replica.start()` too). */
  inSync(): Promise<void>;
  /** Stops both and removes their data. */
  stop(): Promise<void>;
}

/** Starts a master and a replica of it, and resolves once the replica is in sync. */
export async function startReplicatedRedis(): Promise<ReplicatedRedis> {
  const master = await startRedisServer();
  const replica = await startRedisServer(['--replicaof', '127.0.0.1', String(master.port)]);
  const redis = new Redis(master.url);
  // WAIT on a connection that wrote nothing answers how many replicas are in sync, within 100 ms.
  const inSync = async () => {
    for (const deadline = Date.now() + 10_000; Date.now() < deadline; ) {
      if ((await redis.wait(1, 100)) === 1) return;
    }
    throw new Error('the replica did not come in sync');
  };
  await inSync();
  return {
    master,
    replica,
    inSync,
    async stop() {
      redis.disconnect();
      await replica.stop();
      await master.stop();
    },
  };
}
