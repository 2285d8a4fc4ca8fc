import { setTimeout as sleep } from 'node:timers/promises';
import type { DeliveryQueues, VerificationStore } from '@sendcode/store';
import { limitRedisMemory, type RedisServer, startRedisServer, uniquePrefix } from '@sendcode/testing';
import { Redis, type RedisOptions } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineFixture } from '../test-fixture.ts';
import { startVerification } from './start.ts';
import type { StartDeps } from './types.ts';

/**
 * A start whose writes Redis refuses or leaves unanswered half way, on a Redis of its own: it is
 * either taken back whole (nothing stored, the destination free for the retry) or, once its first
 * send is queued, answered as the success it is.
 */
let server: RedisServer;
let admin: Redis;
const connections: Redis[] = [];
const opened: DeliveryQueues[] = [];

beforeAll(async () => {
  server = await startRedisServer(['--maxmemory-policy', 'noeviction']);
  admin = new Redis(server.url);
});
afterAll(async () => {
  for (const queues of opened) await queues.close();
  for (const connection of connections) connection.disconnect();
  admin.disconnect();
  await server.stop();
});

/** The start's dependencies on this Redis, connected as the gateway connects, the store wrapped. */
async function startDeps(
  wrap: (store: VerificationStore) => VerificationStore,
  options: Pick<RedisOptions, 'commandTimeout'> = {},
): Promise<{ deps: StartDeps; prefix: string }> {
  const redis = new Redis(server.url, { enableOfflineQueue: false, maxRetriesPerRequest: 0, ...options });
  connections.push(redis);
  await new Promise((resolve) => redis.once('ready', resolve));
  const prefix = uniquePrefix('rollback');
  const { deps } = engineFixture(redis, { prefix, wrap: (stores) => ({ store: wrap(stores.store) }) });
  opened.push(deps.queues);
  return { deps, prefix };
}

const verificationKeys = (prefix: string) => admin.keys(`${prefix}:v:*`);

describe('a start that fails half way', () => {
  it('Redis fills up between the create and the first add: the verification is taken back, the retry creates', async () => {
    let restore: (() => Promise<void>) | undefined;
    const { deps, prefix } = await startDeps((store) => ({
      ...store,
      async create(v, nowMs) {
        await store.create(v, nowMs);
        restore ??= await limitRedisMemory(admin, -100_000);
      },
    }));
    try {
      const refused = await startVerification(deps, 'acme', { to: 'full1@example.com' });
      expect(refused).toMatchObject({ ok: false, reason: 'unavailable' });
      expect(await verificationKeys(prefix)).toEqual([]);
    } finally {
      await restore?.();
    }
    const retried = await startVerification(deps, 'acme', { to: 'full1@example.com' });
    expect(retried).toMatchObject({ ok: true, created: true });
  });

  it('Redis fills up once the first send is queued: the start is answered created, its job is there', async () => {
    const { deps } = await startDeps((store) => store);
    let restore: (() => Promise<void>) | undefined;
    const queues = {
      ...deps.queues,
      async add(...args: Parameters<DeliveryQueues['add']>) {
        await deps.queues.add(...args);
        restore ??= await limitRedisMemory(admin, -100_000);
      },
    };
    try {
      const started = await startVerification({ ...deps, queues }, 'acme', { to: 'full2@example.com' });
      expect(started).toMatchObject({ ok: true, created: true });
    } finally {
      await restore?.();
    }
    expect(await deps.queues.queue('email').getJobCounts('waiting')).toEqual({ waiting: 1 });
  });

  it('a create that timed out and ran later is taken back as well: the retry creates, never resumes a ghost', async () => {
    let paused = false;
    const { deps, prefix } = await startDeps(
      (store) => ({
        ...store,
        async create(v, nowMs) {
          // Redis holds every write for 600 ms: the create (and what undoes it) time out first,
          // and run afterwards, in the order they were sent.
          if (!paused) await admin.client('PAUSE', 600, 'WRITE');
          paused = true;
          return store.create(v, nowMs);
        },
      }),
      { commandTimeout: 200 },
    );
    await expect(startVerification(deps, 'acme', { to: 'slow@example.com' })).rejects.toThrow(
      'Command timed out',
    );
    await sleep(800);
    expect(await verificationKeys(prefix)).toEqual([]);
    expect(await startVerification(deps, 'acme', { to: 'slow@example.com' })).toMatchObject({
      ok: true,
      created: true,
    });
  });
});
