import { afterAll, describe, expect, it } from 'vitest';
import { eventually } from '../../../test/helpers/poll.ts';
import { testRedis, uniquePrefix } from '../../../test/helpers/redis.ts';
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
    } finally {
      await worker.close();
      await queues.close();
    }
  });
});
