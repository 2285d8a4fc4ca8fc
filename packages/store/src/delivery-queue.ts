import type { ChannelName } from '@sendcode/policy';
import { type Job, type JobsOptions, Queue, Worker, type WorkerOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { type DeliveryJob, deliveryJobId, QUEUE_NAMES, queuePrefix } from './queues.ts';

/**
 * BullMQ plumbing for delivery jobs: the producer side the gateway uses and the worker factory the
 * workers use, so queue names, key prefix and job options are decided in one place.
 */

/** Retries inside BullMQ: exponential backoff with jitter. Failover between steps is ours, not BullMQ's. */
export const DELIVERY_JOB_OPTIONS = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 1_000, jitter: 0.5 },
  removeOnComplete: { age: 3_600, count: 10_000 },
  removeOnFail: { age: 86_400 },
} as const satisfies JobsOptions;

/** Producer for the per-channel delivery queues. */
export interface DeliveryQueues {
  /** Enqueues one send; a second add with the same job id is ignored by BullMQ. */
  add(channel: ChannelName, job: DeliveryJob): Promise<void>;
  /** Every queue, for depth metrics and tests. */
  readonly queues: Readonly<Record<ChannelName, Queue<DeliveryJob>>>;
  close(): Promise<void>;
}

export function createDeliveryQueues(connection: Redis, prefix: string): DeliveryQueues {
  const make = (channel: ChannelName) =>
    new Queue<DeliveryJob>(QUEUE_NAMES[channel], { connection, prefix: queuePrefix(prefix) });
  const queues = { email: make('email'), sms: make('sms'), voice: make('voice') };
  return {
    queues,
    async add(channel, job) {
      await queues[channel].add(QUEUE_NAMES[channel], job, {
        ...DELIVERY_JOB_OPTIONS,
        jobId: deliveryJobId(job),
      });
    },
    async close() {
      await Promise.all(Object.values(queues).map((queue) => queue.close()));
    },
  };
}

/** A BullMQ worker on one channel's delivery queue. */
export function createDeliveryWorker(
  channel: ChannelName,
  processor: (job: Job<DeliveryJob>) => Promise<void>,
  options: { connection: Redis; prefix: string; concurrency: number } & Pick<WorkerOptions, 'autorun'>,
): Worker<DeliveryJob> {
  const { prefix, ...rest } = options;
  return new Worker<DeliveryJob>(QUEUE_NAMES[channel], processor, { ...rest, prefix: queuePrefix(prefix) });
}
