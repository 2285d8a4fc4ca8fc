import { eventually, testRedis, uniquePrefix } from '@sendcode/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { createDeliveryQueues, createDeliveryWorker } from './delivery-queue.ts';
import { deliveryJobId } from './queues.ts';

describe('delivery queues', () => {
  const redis = testRedis();
  afterAll(() => redis.quit());

  it('stores only retries in a job; the worker drops a completed job and keeps a failed one', async () => {
    const prefix = uniquePrefix('queue');
    const queues = createDeliveryQueues(redis, prefix, { attempts: 1, backoffMs: 10 });
    const done = { verificationId: 'ver_done', step: 0, send: 1 };
    const failing = { verificationId: 'ver_failing', step: 0, send: 1 };
    await queues.add('sms', done);
    await queues.add('sms', failing);
    const queue = queues.queues.sms;
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
    const queues = createDeliveryQueues(redis, prefix, { attempts: 1, backoffMs: 10 });
    const send = { verificationId: 'ver_again', step: 1, send: 2 };
    try {
      await queues.add('voice', send);
      await queues.add('voice', send);
      expect(await queues.queues.voice.getJobCounts('wait')).toEqual({ wait: 1 });
      expect(await queues.has('voice', send)).toBe(true);
    } finally {
      await queues.close();
    }
  });
});
