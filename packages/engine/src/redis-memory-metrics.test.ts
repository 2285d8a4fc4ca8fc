import { createLogger } from '@sendcode/runtime';
import { readRedisMemory } from '@sendcode/store';
import { type RedisServer, startRedisServer } from '@sendcode/testing';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerRedisMemoryMetrics } from './redis-memory-metrics.ts';

let server: RedisServer;
let redis: Redis;
const logger = createLogger('test', 'silent');

beforeAll(async () => {
  server = await startRedisServer(['--maxmemory', '5mb', '--maxmemory-policy', 'noeviction']);
  redis = new Redis(server.url);
});
afterAll(async () => {
  redis.disconnect();
  await server.stop();
});

describe('Redis memory metrics', () => {
  it('exports used and max memory of the server, labelled with its address', async () => {
    const registry = new Registry();
    registerRedisMemoryMetrics(registry, () => readRedisMemory(redis), logger);
    const text = await registry.metrics();
    const node = `127.0.0.1:${server.port}`;
    expect(text).toContain(`sendcode_redis_memory_max_bytes{node="${node}"} 5242880`);
    const used = Number(
      new RegExp(`sendcode_redis_memory_used_bytes\\{node="${node}"\\} (\\d+)`).exec(text)?.[1],
    );
    expect(used).toBeGreaterThan(100_000);
    expect(used).toBeLessThan(5_242_880);
  });

  it('a Redis that does not answer: the scrape goes on within 2 s, without them', async () => {
    const registry = new Registry();
    registerRedisMemoryMetrics(registry, () => readRedisMemory(redis), logger);
    const admin = new Redis(server.url);
    try {
      await admin.client('PAUSE', 3_000, 'ALL');
      const started = Date.now();
      const text = await registry.metrics();
      expect(Date.now() - started).toBeLessThan(2_800);
      expect(text).not.toMatch(/^sendcode_redis_memory_used_bytes\{/m);
    } finally {
      admin.disconnect();
    }
  });
});
