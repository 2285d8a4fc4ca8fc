import { Cluster, type Redis } from 'ioredis';
import type { RedisConnection } from './connection.ts';

/** One Redis server's memory as INFO reports it. */
export interface RedisMemory {
  /** `host:port`, as the connection knows the server. */
  readonly node: string;
  /** `used_memory`: what Redis has allocated, bytes. */
  readonly usedBytes: number;
  /** `maxmemory`: the limit, bytes; 0 when there is none (the machine's memory is the limit). */
  readonly maxBytes: number;
}

/**
 * Memory of the server, or of each master of a cluster, from `INFO memory`: one round trip per
 * server. At `maxmemory` under `noeviction` Redis refuses every command that could grow memory, and
 * starts are answered 503 until it has room again: what the memory alert watches for.
 */
export async function readRedisMemory(redis: RedisConnection): Promise<RedisMemory[]> {
  const servers = redis instanceof Cluster ? redis.nodes('master') : [redis];
  return Promise.all(servers.map(memoryOf));
}

async function memoryOf(server: Redis): Promise<RedisMemory> {
  const info = await server.info('memory');
  const field = (name: string) => new RegExp(`^${name}:(.*)$`, 'm').exec(info)?.[1]?.trim();
  return {
    node: `${server.options.host}:${server.options.port}`,
    usedBytes: Number(field('used_memory') ?? Number.NaN),
    maxBytes: Number(field('maxmemory') ?? Number.NaN),
  };
}
