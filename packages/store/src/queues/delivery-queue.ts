import type { ChannelName } from '@sendcode/policy';
import { type Job, type JobsOptions, Queue, Worker, type WorkerOptions } from 'bullmq';
import type { RedisConnection } from '../core/connection.ts';
import { type DeliveryJob, deliveryJobId, QUEUE_NAMES, queuePrefix } from './queues.ts';

/**
 * BullMQ plumbing for delivery jobs: the producer side the gateway uses and the worker factory the
 * workers use, so queue names, key prefix and job options are decided in one place.
 */

/**
 * Retries inside BullMQ: exponential backoff with jitter (by default 1, 2, 4, 8, … s ± 50 %). The
 * processor stops earlier when the next retry would land after the code expires; failover between
 * providers and plan steps is ours, not BullMQ's.
 */
export interface RetryOptions {
  readonly attempts: number;
  readonly backoffMs: number;
}
export const DEFAULT_RETRY: RetryOptions = { attempts: 10, backoffMs: 1_000 };
/** Spread of each backoff delay, as a fraction of it. */
export const BACKOFF_JITTER = 0.5;

function deliveryJobOptions(retry: RetryOptions) {
  return {
    attempts: retry.attempts,
    backoff: { type: 'exponential', delay: retry.backoffMs, jitter: BACKOFF_JITTER },
  } satisfies JobsOptions;
}

/**
 * What a worker keeps of a finished job. A finished send needs none: its outcome is on the
 * verification's timeline and sends (a re-added id after removal sends nothing either: the processor
 * checks the send is still queued). Failed ones stay a day for inspection. Set on the worker, not on
 * each job, where BullMQ would store it in every job's hash.
 */
const KEEP_FINISHED = {
  removeOnComplete: { count: 0 },
  removeOnFail: { age: 86_400 },
} satisfies Pick<WorkerOptions, 'removeOnComplete' | 'removeOnFail'>;

/**
 * BullMQ keeps a stream of job events per queue, 10,000 entries by default: megabytes that nothing
 * here reads (our history is the timeline). A short one is enough for QueueEvents listeners.
 */
const EVENTS_MAX_LEN = 1_000;

/** Producer for the per-channel delivery queues. */
export interface DeliveryQueues {
  /** Enqueues one send; a second add with the same job id is ignored by BullMQ while it exists. */
  add(channel: ChannelName, job: DeliveryJob): Promise<void>;
  /**
   * Whether the send's job is in its queue, in any state (waiting, delayed for a retry, active, or
   * kept as failed). A completed job is removed at once, so a finished send has none.
   */
  has(channel: ChannelName, job: DeliveryJob): Promise<boolean>;
  /** A key of the channel's queue (every key of a queue shares its slot): where its jobs live. */
  keyOf(channel: ChannelName): string;
  /** Every queue, for depth metrics and tests. */
  readonly queues: Readonly<Record<ChannelName, Queue<DeliveryJob>>>;
  close(): Promise<void>;
}

export function createDeliveryQueues(
  connection: RedisConnection,
  prefix: string,
  retry = DEFAULT_RETRY,
): DeliveryQueues {
  const jobOptions = deliveryJobOptions(retry);
  const make = (kind: ChannelName) =>
    new Queue<DeliveryJob>(QUEUE_NAMES[kind], {
      connection,
      prefix: queuePrefix(prefix),
      streams: { events: { maxLen: EVENTS_MAX_LEN } },
      // BullMQ asks Redis its version (INFO) once, when the queue is made, and keeps a failure for
      // good: on the gateway's connection, whose commands time out, a Redis that stalled at that
      // moment would fail every add until a restart. The workers' BullMQ workers still check it.
      skipVersionCheck: true,
    });
  const queues = {
    email: make('email'),
    sms: make('sms'),
    voice: make('voice'),
  };
  return {
    queues,
    async add(channel, job) {
      await queues[channel].add(QUEUE_NAMES[channel], job, {
        ...jobOptions,
        jobId: deliveryJobId(job),
      });
    },
    async has(channel, job) {
      return (await queues[channel].getJob(deliveryJobId(job))) !== undefined;
    },
    keyOf: (channel) => queues[channel].toKey('wait'),
    async close() {
      await Promise.all(Object.values(queues).map((queue) => queue.close()));
    },
  };
}

/** A BullMQ worker on one queue. */
export function createDeliveryWorker(
  kind: ChannelName,
  processor: (job: Job<DeliveryJob>) => Promise<void>,
  options: { connection: RedisConnection; prefix: string; concurrency: number } & Pick<
    WorkerOptions,
    'autorun' | 'lockDuration' | 'stalledInterval'
  >,
): Worker<DeliveryJob> {
  const { prefix, ...rest } = options;
  return new Worker<DeliveryJob>(QUEUE_NAMES[kind], processor, {
    ...rest,
    ...KEEP_FINISHED,
    prefix: queuePrefix(prefix),
  });
}
