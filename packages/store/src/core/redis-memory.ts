import type { Redis } from 'ioredis';
import type { RedisConnection } from './connection.ts';
import { parseInfo, serversOf } from './info.ts';

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
  return Promise.all(serversOf(redis).map(memoryOf));
}

async function memoryOf(server: Redis): Promise<RedisMemory> {
  const info = parseInfo(await server.info('memory'));
  return {
    node: `${server.options.host}:${server.options.port}`,
    usedBytes: Number(info.get('used_memory') ?? Number.NaN),
    maxBytes: Number(info.get('maxmemory') ?? Number.NaN),
  };
}
