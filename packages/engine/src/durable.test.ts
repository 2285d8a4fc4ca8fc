import type { Channel, Delivery } from '@sendcode/channels';
import { isRedisUnavailable } from '@sendcode/store';
import { type ReplicatedRedis, startReplicatedRedis } from '@sendcode/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeliveryProcessor } from './deliver/processor.ts';
import { outgoing } from './deliver/test-send.ts';
import { startVerification } from './start/start.ts';
import { type EngineFixture, engineFixture } from './test-fixture.ts';

/**
 * Durable accept on a real master with one real replica (`--replicaof`): with the replica up, a
 * start answers and a sent job completes; with it stopped, WAIT comes back short, the start answers
 * `unavailable` and keeps its verification (a retry resumes it), and the job fails after sending,
 * so BullMQ retries it, and the retry sends nothing and completes once the replica is back.
 */
let redis: Redis;
let servers: ReplicatedRedis;
let fixture: EngineFixture;
const sent: Delivery<'email'>[] = [];

const email: Channel<'email'> = {
  channel: 'email',
  provider: 'smtp',
  async send(delivery) {
    sent.push(delivery);
    return { providerMessageId: `smtp-${sent.length}` };
  },
  async close() {},
};

beforeAll(async () => {
  servers = await startReplicatedRedis();
  redis = new Redis(servers.master.url);
  fixture = engineFixture(redis, {
    // Room for a replica on a loaded machine to acknowledge (200 ms was short of it once in CI); a
    // stopped replica costs the whole wait, a few times in this suite.
    durable: { replicas: 1, timeoutMs: 2_000 },
    channels: { email: [email], sms: [], voice: [] },
    config: { resendCooldownMs: 0 },
  });
});
afterAll(async () => {
  await fixture?.close();
  await redis?.quit();
  await servers?.stop();
});

describe('durable accept (REDIS_WAIT_REPLICAS=1)', () => {
  it('a start answers once its writes reached the replica; without the replica it is unavailable, kept, and a retry resumes it', async () => {
    const first = await startVerification(fixture.deps, 'acme', { to: 'up@example.com' });
    expect(first.ok ? first.created : first.reason).toBe(true);

    await servers.replica.kill();
    try {
      const refused = await startVerification(fixture.deps, 'acme', { to: 'down@example.com' });
      expect(refused.ok ? 'ok' : refused.reason).toBe('unavailable');
      if (!refused.ok && refused.reason === 'unavailable')
        expect(isRedisUnavailable(refused.cause)).toBe(true);
    } finally {
      await servers.replica.start();
    }
    await servers.inSync();
    const retried = await startVerification(fixture.deps, 'acme', { to: 'down@example.com' });
    // The verification the refused start made: resumed (same id, its send counted again), not a new one.
    expect(retried.ok && !retried.created && retried.record.sends).toBe(2);
  });

  it('a worker whose acceptance does not reach the replica fails the job; its retry sends nothing and completes', async () => {
    const id = await fixture.create([{ channel: 'email', to: 'job@example.com' }]);
    const { job } = await outgoing(fixture, id);
    const deliver = createDeliveryProcessor(fixture.deps);
    const before = sent.length;

    await servers.replica.kill();
    try {
      await expect(deliver(job)).rejects.toThrow(/fewer than 1 replicas/);
      // The provider took it before the WAIT: sent once, and recorded as accepted on the master.
      expect(sent.length - before).toBe(1);
      await expect(deliver(job)).rejects.toThrow(/fewer than 1 replicas/);
    } finally {
      await servers.replica.start();
    }
    await servers.inSync();
    await expect(deliver(job)).resolves.toBeUndefined();
    expect(sent.length - before).toBe(1);
    const record = await fixture.deps.store.get(id, Date.now());
    expect(record?.sends).toBe(1);
  });
});
