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
