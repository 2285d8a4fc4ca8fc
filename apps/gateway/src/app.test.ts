import { createRedisConnection } from '@sendcode/store';
import { limitRedisMemory, type RedisServer, startRedisServer } from '@sendcode/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiError, type Served, serve } from './test-support.ts';

/**
 * The error handler's answer to Redis refusing or not answering, on real servers: a full one
 * (maxmemory reached under noeviction) and one that stops answering (CLIENT PAUSE). Both are a
 * retryable 503 `unavailable` with Retry-After, never a 500.
 */
let server: RedisServer;
let admin: Redis;
let served: Served;
const redis = () =>
  createRedisConnection(server.url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: 200,
  });
let connection: ReturnType<typeof redis>;

beforeAll(async () => {
  server = await startRedisServer(['--maxmemory-policy', 'noeviction']);
  admin = new Redis(server.url);
  connection = redis();
  await new Promise((resolve) => connection.once('ready', resolve));
  served = await serve((app) => {
    app.post('/write', async (_req, res) => {
      await connection.set('key', 'x'.repeat(1_000));
      res.status(201).json({ ok: true });
    });
  });
});
afterAll(async () => {
  await served.close();
  connection.disconnect();
  admin.disconnect();
  await server.stop();
});

const write = () => fetch(`${served.url}/write`, { method: 'POST' });

describe('errorHandler', () => {
  it('answers a write refused by a full Redis 503 unavailable with Retry-After, and 201 once it has room', async () => {
    const restore = await limitRedisMemory(admin, -100_000);
    const refused = await write();
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect((await apiError(refused)).code).toBe('unavailable');
    await restore();
    expect((await write()).status).toBe(201);
  });

  it('answers 503 unavailable within the command timeout while Redis does not answer', async () => {
    await admin.client('PAUSE', 1_000, 'ALL');
    const started = Date.now();
    const stalled = await write();
    expect(Date.now() - started).toBeLessThan(900);
    expect(stalled.status).toBe(503);
    expect(stalled.headers.get('retry-after')).toBe('1');
    expect((await apiError(stalled)).code).toBe('unavailable');
  });
});
