import type { Redis } from 'ioredis';

/**
 * Sets the Redis's `maxmemory` to what it uses now plus `headroomBytes` (negative: already over it,
 * so every write that could grow memory is refused at once under `noeviction`; used memory wobbles
 * by a few bytes with client buffers, so "exactly at the limit" is not a state to test). Answers a
 * function that restores the limit it had. Tests only: pass a connection to a server of the test's
 * own (`startRedisServer`), never the run's shared one.
 */
export async function limitRedisMemory(redis: Redis, headroomBytes: number): Promise<() => Promise<void>> {
  const [, before = '0'] = (await redis.config('GET', 'maxmemory')) as string[];
  const used = Number(/^used_memory:(\d+)/m.exec(await redis.info('memory'))?.[1]);
  if (!Number.isFinite(used)) throw new Error('INFO memory has no used_memory');
  await redis.config('SET', 'maxmemory', String(Math.max(1, used + headroomBytes)));
  return async () => {
    await redis.config('SET', 'maxmemory', before);
  };
}
