import { limitRedisMemory, type RedisServer, startRedisServer, uniquePrefix } from '@sendcode/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdmission } from '../admission/admission.ts';
import { createDeliveryQueues } from '../queues/delivery-queue.ts';
import { createVerificationStore } from '../verification/verification-store.ts';
import { createRedisConnection } from './connection.ts';
import { StoreError } from './errors.ts';
import { newVerification, T0 } from './test-support.ts';
import { isRedisUnavailable } from './unavailable.ts';

const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

describe('a full Redis (maxmemory reached, noeviction)', () => {
  let server: RedisServer;
  let redis: Redis;
  const prefix = uniquePrefix('full');

  beforeAll(async () => {
    server = await startRedisServer(['--maxmemory', '2mb', '--maxmemory-policy', 'noeviction']);
    redis = new Redis(server.url, { maxRetriesPerRequest: 1 });
    await limitRedisMemory(redis, -100_000);
  });
  afterAll(async () => {
    await redis.quit();
    await server.stop();
  });

  it('refuses a plain write, a store script and a BullMQ add: each is "unavailable", not a bug', async () => {
    const plain = await rejection(redis.set(`${prefix}:one-more`, 'x'.repeat(10_000)));
    expect((plain as Error).name).toBe('ReplyError');
    expect(isRedisUnavailable(plain)).toBe(true);

    // A script is refused at its first write that could grow memory, and then wrote nothing.
    const store = createVerificationStore({ redis, prefix });
    const verification = newVerification();
    const script = await rejection(store.create(verification, T0));
    expect((script as Error).message).toMatch(/^OOM command not allowed .*script:/);
    expect(isRedisUnavailable(script)).toBe(true);
    expect(await store.get(verification.id, T0)).toBeNull();

    const queues = createDeliveryQueues(redis, prefix);
    try {
      const add = await rejection(queues.add('email', { verificationId: 'ver_a', step: 0, send: 1 }));
      expect(isRedisUnavailable(add)).toBe(true);
    } finally {
      await queues.close();
    }
  });

  it('still takes the writes that undo a start (DEL, then the counters): a refused start can be rolled back', async () => {
    const store = createVerificationStore({ redis, prefix });
    const admission = createAdmission({ redis, prefix });
    const rules = [{ scope: 'destination', key: 'h', limit: 1, windowMs: 60_000 }] as const;
    const pending = { lookupHash: 'h', purpose: 'sign_in', id: 'ver_a' };
    // Admitted while there was room; Redis filled up before the create.
    const restore = await limitRedisMemory(redis, 1_000_000);
    await admission.admit({ client: 'acme', rules, pending: { ...pending, ttlMs: 10_000 }, nowMs: T0 });
    await restore();
    await limitRedisMemory(redis, -100_000);
    await expect(store.discard('ver_a')).resolves.toBeUndefined();
    await expect(
      admission.refund({ client: 'acme', rules, pending, admittedAtMs: T0, nowMs: T0 + 1 }),
    ).resolves.toBeUndefined();
    // Taken back: the destination's counter is at 0 again, the pending entry gone.
    expect(await redis.exists(`${prefix}:pending:{acme}:h:sign_in`)).toBe(0);
    expect(await redis.get(`${prefix}:rc:{acme}:destination:60000:h`)).toMatch(/^\d+:0:0$/);
  });
});

describe('a Redis that does not answer', () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(() => server.stop());

  it('times a command out after commandTimeout, as "unavailable"', async () => {
    const redis = createRedisConnection(server.url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: 200,
    });
    const admin = new Redis(server.url);
    try {
      await new Promise((resolve) => redis.once('ready', resolve));
      // CLIENT PAUSE: Redis stops answering every client for a while, the connections stay up.
      await admin.client('PAUSE', 1_000, 'ALL');
      const started = Date.now();
      const error = await rejection(redis.get('anything'));
      expect(Date.now() - started).toBeLessThan(900);
      expect((error as Error).message).toBe('Command timed out');
      expect(isRedisUnavailable(error)).toBe(true);
    } finally {
      redis.disconnect();
      admin.disconnect();
    }
  });
});

describe('isRedisUnavailable', () => {
  it('is false for what is a bug or an answer, not an outage', async () => {
    const server = await startRedisServer();
    const redis = new Redis(server.url);
    try {
      await redis.set('k', 'v');
      const wrongType = await rejection(redis.lpush('k', 'x'));
      expect((wrongType as Error).name).toBe('ReplyError');
      expect(isRedisUnavailable(wrongType)).toBe(false);
    } finally {
      redis.disconnect();
      await server.stop();
    }
    expect(isRedisUnavailable(new StoreError('id_taken', 'taken'))).toBe(false);
    expect(isRedisUnavailable('OOM command not allowed')).toBe(false);
  });
});
