import { randomBytes } from 'node:crypto';
import { createRedisConnection, type RedisConnection } from '@sendcode/store';
import { Cluster, Redis } from 'ioredis';
import { inject } from 'vitest';

/** URL of the run's own Redis (one server, or a cluster under `npm run test:cluster`), started by the global setup. */
export function testRedisUrl(): string {
  return inject('redisUrl');
}

/** A fresh connection to the run's redis-server. Close it in afterAll. Single-server suites only. */
export function testRedis(): Redis {
  return new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
}

/** A fresh connection to the run's Redis, one server or a cluster, as Sendcode connects. Close it in afterAll. */
export function testRedisConnection(): RedisConnection {
  return createRedisConnection(testRedisUrl(), { maxRetriesPerRequest: null });
}

/** Every key matching `pattern`: KEYS on one server, on each master of a cluster. Tests only. */
export async function keysMatching(redis: RedisConnection, pattern: string): Promise<string[]> {
  if (!(redis instanceof Cluster)) return redis.keys(pattern);
  const perNode = await Promise.all(redis.nodes('master').map((node) => node.keys(pattern)));
  return perNode.flat();
}

/** A key prefix no other suite uses, so suites can share one Redis. */
export function uniquePrefix(label: string): string {
  return `t-${label}-${randomBytes(4).toString('hex')}`;
}

/**
 * Bytes Redis holds for the keys matching `pattern` (the sum of `MEMORY USAGE` with every element
 * sampled), on one server. Summing over a test's own prefix measures what that test stored, however
 * busy the shared server is with other suites.
 */
export async function memoryOfKeys(redis: Redis, pattern: string): Promise<number> {
  let total = 0;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    const sizes = await Promise.all(keys.map((key) => redis.memory('USAGE', key, 'SAMPLES', 0)));
    for (const size of sizes) total += size ?? 0;
  } while (cursor !== '0');
  return total;
}

/** Whether the run's Redis is a cluster (`npm run test:cluster`), for suites that size themselves by it. */
export function onTestCluster(): boolean {
  return /^rediss?\+cluster:\/\//.test(testRedisUrl());
}
