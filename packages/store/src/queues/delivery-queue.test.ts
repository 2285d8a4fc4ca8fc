import { eventually, testRedis, uniquePrefix } from '@sendcode/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { createDeliveryQueues, createDeliveryWorker } from './delivery-queue.ts';
import { deliveryJobId, queueShard } from './queues.ts';

describe('delivery queues', () => {
  const redis = testRedis();
  afterAll(() => redis.quit());

  it('stores only retries in a job; the worker drops a completed job and keeps a failed one', async () => {
    const prefix = uniquePrefix('queue');
    const queues = createDeliveryQueues(redis, prefix, { retry: { attempts: 1, backoffMs: 10 } });
    const done = { verificationId: 'ver_done', step: 0, send: 1 };
    const failing = { verificationId: 'ver_failing', step: 0, send: 1 };
    await queues.add('sms', done);
    await queues.add('sms', failing);
    const queue = queues.queue('sms');
    expect(Object.keys((await queue.getJob(deliveryJobId(done)))?.opts ?? {}).sort()).toEqual([
      'attempts',
      'backoff',
      'jobId',
    ]);
    const worker = createDeliveryWorker(
      'sms',
      async (job) => {
        if (job.data.verificationId === 'ver_failing') throw new Error('provider down');
      },
      { connection: redis, prefix, concurrency: 2 },
    );
    try {
      await eventually(
        () => queue.getJobCounts('wait', 'active', 'failed'),
        (counts) => counts.wait === 0 && counts.active === 0 && counts.failed === 1,
        5_000,
      );
      expect(await queue.getJob(deliveryJobId(done))).toBeUndefined();
      expect(await queue.getJobState(deliveryJobId(failing))).toBe('failed');
      // What the reconciler asks: a completed send has no job, a failed one keeps its job.
      expect(await queues.has('sms', done)).toBe(false);
      expect(await queues.has('sms', failing)).toBe(true);
      expect(await queues.has('voice', failing)).toBe(false);
    } finally {
      await worker.close();
      await queues.close();
    }
  });

  it('adding a send again while its job exists is a no-op (job ids are the send: deterministic)', async () => {
    const prefix = uniquePrefix('queue');
    const queues = createDeliveryQueues(redis, prefix, { retry: { attempts: 1, backoffMs: 10 } });
    const send = { verificationId: 'ver_again', step: 1, send: 2 };
    try {
      await queues.add('voice', send);
      await queues.add('voice', send);
      expect(await queues.queue('voice').getJobCounts('wait')).toEqual({ wait: 1 });
      expect(await queues.has('voice', send)).toBe(true);
    } finally {
      await queues.close();
    }
  });

  it("a sharded producer adds each send to its verification's shard only, where has() finds it", async () => {
    const prefix = uniquePrefix('queue');
    const queues = createDeliveryQueues(redis, prefix, { shards: 4 });
    try {
      const sends = Array.from({ length: 12 }, (_, i) => ({ verificationId: `ver_${i}`, step: 0, send: 1 }));
      for (const send of sends) await queues.add('sms', send);
      const shards = new Set(sends.map((send) => queueShard(send.verificationId, 4)));
      expect(shards.size).toBeGreaterThan(1);
      for (const send of sends) {
        for (let shard = 0; shard < 4; shard++) {
          const job = await queues.queue('sms', shard).getJob(deliveryJobId(send));
          expect(job !== undefined).toBe(shard === queueShard(send.verificationId, 4));
        }
        expect(await queues.has('sms', send)).toBe(true);
      }
      const waiting = await Promise.all(queues.all().map((queue) => queue.getJobCounts('wait')));
      expect(waiting.reduce((sum, counts) => sum + (counts.wait ?? 0), 0)).toBe(12);
    } finally {
      await Promise.all(queues.all().map((queue) => queue.obliterate({ force: true })));
      await queues.close();
    }
  });

  it('counts a higher shard ever used as in use, so lowering QUEUE_SHARDS strands no job', async () => {
    const prefix = uniquePrefix('queue');
    const one = createDeliveryQueues(redis, prefix, { shards: 1 });
    const four = createDeliveryQueues(redis, prefix, { shards: 4 });
    const send = { verificationId: 'ver_high', step: 0, send: 1 };
    try {
      expect(await one.inUse()).toBe(1);
      const high = Array.from({ length: 40 }, (_, i) => ({ ...send, verificationId: `ver_${i}` })).find(
        (job) => queueShard(job.verificationId, 4) === 3,
      );
      if (!high) throw new Error('no id hashes to shard 3');
      await four.add('email', high);
      expect(await one.inUse()).toBe(4);
      expect(await four.inUse()).toBe(4);
      // Found wherever a QUEUE_SHARDS up to the shards in use put it, so the reconciler does not queue it again.
      expect(await one.has('email', high)).toBe(true);
      const low = { ...high, verificationId: 'ver_low', send: 2 };
      await one.add('email', low);
      // Added to shard 0 by the 1-shard producer; 4 shards would have put it elsewhere.
      expect(queueShard(low.verificationId, 4)).not.toBe(0);
      expect(await four.has('email', low)).toBe(true);
      const worker = createDeliveryWorker('email', async () => undefined, {
        connection: redis,
        prefix,
        shard: 3,
        concurrency: 1,
      });
      try {
        await eventually(
          () => four.has('email', high),
          (present) => !present,
          5_000,
        );
      } finally {
        await worker.close();
      }
    } finally {
      await Promise.all(four.all().map((queue) => queue.obliterate({ force: true })));
      await Promise.all([one.close(), four.close()]);
    }
  });
});
