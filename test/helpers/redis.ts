import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { inject } from 'vitest';

/** URL of the run's own redis-server, started by the global setup. */
export function testRedisUrl(): string {
  return inject('redisUrl');
}

/** A fresh connection to the run's redis-server. Close it in afterAll. */
export function testRedis(): Redis {
  return new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
}

/** A key prefix no other suite uses, so suites can share one Redis. */
export function uniquePrefix(label: string): string {
  return `t-${label}-${randomBytes(4).toString('hex')}`;
}
