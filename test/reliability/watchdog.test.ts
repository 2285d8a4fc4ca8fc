import { createLogger } from '@sendcode/runtime';
import { createDeliveryQueues, createDeliveryWorker, type DeliveryJob } from '@sendcode/store';
import { eventually, testRedis, uniquePrefix } from '@sendcode/testing';
import { Activity, isStuck, startWatchdog } from '@sendcode/workers';
import type { Worker } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';

describe('the liveness watchdog', () => {
  const redis = testRedis();
  afterAll(() => redis.quit());

  it('replaces a worker that is connected but no longer takes jobs; the waiting job then runs', async () => {
    const prefix = uniquePrefix('watchdog');
    const queues = createDeliveryQueues(redis, prefix);
    const processed: string[] = [];
    let activity = new Activity(Date.now());
    const start = () => {
      const next = createDeliveryWorker(
        'email',
        async (job) => void processed.push(job.data.verificationId),
        {
          connection: redis,
          prefix,
          concurrency: 1,
        },
      );
      activity = new Activity(Date.now());
      activity.track(next, Date.now);
      return next;
    };
    let worker: Worker<DeliveryJob> = start();
    // The failure mode: the worker stays up and connected but stops fetching.
    await worker.pause(true);
    let replaced = 0;
    const watchdog = startWatchdog({
      watched: [
        {
          queue: queues.queue('email'),
          activity: () => activity,
          replace: async () => {
            await worker.close(true);
            worker = start();
          },
        },
      ],
      intervalMs: 100,
      stuckMs: 500,
      logger: createLogger('test', 'silent'),
      now: Date.now,
      onReplace: () => {
        replaced += 1;
      },
    });
    try {
      await queues.add('email', { verificationId: 'ver_stuck', step: 0, send: 1 });
      await eventually(
        async () => processed,
        (list) => list.includes('ver_stuck'),
        5_000,
      );
      expect(processed).toEqual(['ver_stuck']);
      expect(replaced).toBe(1);
    } finally {
      watchdog.stop();
      await worker.close();
      await queues.close();
    }
  });

  it.each([
    [{ oldestWaitingMs: 2_000, idleMs: 2_000, running: 0 }, true],
    [{ oldestWaitingMs: 2_000, idleMs: 2_000, running: 1 }, false],
    [{ oldestWaitingMs: undefined, idleMs: 2_000, running: 0 }, false],
    [{ oldestWaitingMs: 500, idleMs: 2_000, running: 0 }, false],
    [{ oldestWaitingMs: 2_000, idleMs: 500, running: 0 }, false],
  ])('isStuck(%j) is %s (stuck after 1 s)', (input, stuck) => {
    expect(isStuck({ ...input, stuckMs: 1_000 })).toBe(stuck);
  });
});
