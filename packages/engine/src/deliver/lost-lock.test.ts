import type { Channel, Delivery, SendResult } from '@sendcode/channels';
import { createKeyRing } from '@sendcode/policy';
import { createDeliveryWorker, type DeliveryJob } from '@sendcode/store';
import { eventually, keysMatching, testRedis } from '@sendcode/testing';
import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { engineFixture, recordingLogger } from '../test-fixture.ts';
import { createDeliveryProcessor } from './processor.ts';

/**
 * The one way a worker that stays alive sends a code twice: its job's lock lapses while the provider
 * call is in flight (the process starved of CPU for longer than the lock, or the lock lost in Redis),
 * BullMQ's stalled check hands the job to another run, and both calls are accepted. The lost lock is
 * injected here by deleting it in Redis. The user gets the same code twice, never a second code; the
 * store keeps the first acceptance; the late one is logged as `send accepted twice`.
 */
let redis: Redis;
const workers: Worker<DeliveryJob>[] = [];
beforeAll(() => {
  redis = testRedis();
});
afterAll(async () => {
  await Promise.all(workers.map((worker) => worker.close(true)));
  await redis.quit();
});

it('a job whose lock lapsed during the provider call runs again: two copies of one code, logged', {
  timeout: 20_000,
}, async () => {
  const calls: { delivery: Delivery<'email'>; release: () => void }[] = [];
  // The first call hangs until released; every later one is accepted at once.
  const adapter: Channel<'email'> = {
    channel: 'email',
    provider: 'smtp',
    send: (delivery) =>
      new Promise<SendResult>((resolve) => {
        const release = () => resolve({ providerMessageId: `smtp-${calls.length}` });
        calls.push({ delivery, release });
        if (calls.length > 1) release();
      }),
    async close() {},
  };
  const logs: string[] = [];
  const ring = createKeyRing('workers-secret');
  const fixture = engineFixture(redis, {
    channels: { email: [adapter], sms: [], voice: [] },
    ring,
    logger: recordingLogger(logs),
  });
  const deliver = createDeliveryProcessor(fixture.deps);
  const worker = createDeliveryWorker('email', deliver, {
    connection: redis,
    prefix: fixture.prefix,
    concurrency: 2,
    lockDuration: 2_000,
    stalledInterval: 300,
  });
  // The first run cannot finish its job (BullMQ: "Missing lock"): expected here, not a failure.
  worker.on('error', () => {});
  workers.push(worker);

  const id = await fixture.create([{ channel: 'email', to: 'taro@example.com' }]);
  await fixture.deps.queues.add('email', { verificationId: id, step: 0, send: 1 });
  expect(
    await eventually(
      async () => calls.length,
      (n) => n === 1,
    ),
  ).toBe(1);
  const locks = await keysMatching(redis, `{${fixture.prefix}:q}*:lock`);
  expect(locks).toHaveLength(1);
  await redis.del(...locks);

  // BullMQ's stalled check finds the job without its lock and hands it to the other slot.
  expect(
    await eventually(
      async () => calls.length,
      (n) => n === 2,
    ),
  ).toBe(2);
  calls[0]?.release();
  const warned = await eventually(
    async () => logs.filter((line) => line.includes('send accepted twice')),
    (lines) => lines.length === 1,
  );
  expect(warned).toHaveLength(1);
  expect(warned[0]).toContain('"provider":"smtp"');
  expect(warned[0]).not.toContain(id);
  // The same message, so the same code, both times.
  expect(new Set(calls.map((c) => JSON.stringify(c.delivery.message))).size).toBe(1);
  const timeline = await fixture.deps.store.timeline(id);
  expect(timeline.filter((e) => e.type === 'sent')).toHaveLength(1);
  await worker.close();
  await fixture.close();
});
