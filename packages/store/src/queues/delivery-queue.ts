import { CHANNELS, type ChannelName } from '@sendcode/policy';
import { type Job, type JobsOptions, Queue, Worker, type WorkerOptions } from 'bullmq';
import { Cluster } from 'ioredis';
import type { RedisConnection } from '../core/connection.ts';
import {
  type DeliveryJob,
  deliveryJobId,
  MAX_QUEUE_SHARDS,
  QUEUE_NAMES,
  queuePrefix,
  queueShard,
} from './queues.ts';

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

/**
 * Shards when `QUEUE_SHARDS` is unset: one on a single Redis (nothing to spread over); on a cluster 8,
 * so the queue traffic spreads over its masters (3/3/2 of them on three masters with equal slot runs).
 */
export const CLUSTER_QUEUE_SHARDS = 8;
function defaultShards(connection: RedisConnection): number {
  return connection instanceof Cluster ? CLUSTER_QUEUE_SHARDS : 1;
}

/** Producer for the per-channel delivery queues, each sharded over `shards` hash tags. */
export interface DeliveryQueues {
  /** Shards sends are added to: a verification's go to `queueShard(id, shards)`. */
  readonly shards: number;
  /** Enqueues one send; a second add with the same job id is ignored by BullMQ while it exists. */
  add(channel: ChannelName, job: DeliveryJob): Promise<void>;
  /**
   * Whether the send's job is in its queue, in any state (waiting, delayed for a retry, active, or
   * kept as failed), in whichever shard a QUEUE_SHARDS up to the shards in use put it. A completed
   * job is removed at once, so a finished send has none.
   */
  has(channel: ChannelName, job: DeliveryJob): Promise<boolean>;
  /** One shard of a channel's queue (shard 0 holds every job of a deployment with one shard). */
  queue(channel: ChannelName, shard?: number): Queue<DeliveryJob>;
  /** The shard of a channel's queue a send goes to. */
  queueOf(channel: ChannelName, job: DeliveryJob): Queue<DeliveryJob>;
  /**
   * Every queue made so far: the shards sends go to, and any other one `queue` was asked for. One
   * live array: a queue made later joins it (the queue metrics read it at each scrape).
   */
  all(): readonly Queue<DeliveryJob>[];
  /**
   * How many shards may hold jobs, and so must be consumed: `shards`, or more when a higher shard was
   * ever used (its queue's meta key exists), e.g. by a deployment that had a higher `QUEUE_SHARDS`.
   */
  inUse(): Promise<number>;
  close(): Promise<void>;
}

export function createDeliveryQueues(
  connection: RedisConnection,
  prefix: string,
  options: { readonly retry?: RetryOptions | undefined; readonly shards?: number | undefined } = {},
): DeliveryQueues {
  const jobOptions = deliveryJobOptions(options.retry ?? DEFAULT_RETRY);
  const shards = options.shards ?? defaultShards(connection);
  const made = new Map<string, Queue<DeliveryJob>>();
  const list: Queue<DeliveryJob>[] = [];
  /** Shards that may hold jobs: `shards` until `inUse` finds more. */
  let inUseCount = shards;
  const tags = new Map<number, string>();
  /** The key prefix of a shard (`queuePrefix`, searched once per shard). */
  const tag = (shard: number) => {
    const known = tags.get(shard) ?? queuePrefix(prefix, shard);
    tags.set(shard, known);
    return known;
  };
  const queue = (kind: ChannelName, shard = 0) => {
    const name = `${kind}:${shard}`;
    const existing = made.get(name);
    if (existing) return existing;
    const created = new Queue<DeliveryJob>(QUEUE_NAMES[kind], {
      connection,
      prefix: tag(shard),
      streams: { events: { maxLen: EVENTS_MAX_LEN } },
      // BullMQ asks Redis its version (INFO) once, when the queue is made, and keeps a failure for
      // good: on the gateway's connection, whose commands time out, a Redis that stalled at that
      // moment would fail every add until a restart. The workers' BullMQ workers still check it.
      skipVersionCheck: true,
    });
    made.set(name, created);
    list.push(created);
    return created;
  };
  const queueOf = (kind: ChannelName, job: DeliveryJob) =>
    queue(kind, queueShard(job.verificationId, shards));
  for (const kind of CHANNELS) for (let shard = 0; shard < shards; shard++) queue(kind, shard);
  return {
    shards,
    queue,
    queueOf,
    all: () => list,
    async add(channel, job) {
      await queueOf(channel, job).add(QUEUE_NAMES[channel], job, {
        ...jobOptions,
        jobId: deliveryJobId(job),
      });
    },
    async has(channel, job) {
      // Its job is in the shard the send was added to under the QUEUE_SHARDS of that time: any count
      // up to the shards in use. Looking in one shard only, a send added before a change would be
      // found missing and queued again in another shard, and could go out twice.
      const counts = Array.from({ length: inUseCount }, (_, i) => i + 1);
      const shardsOf = new Set(counts.map((count) => queueShard(job.verificationId, count)));
      const keys = [...shardsOf].map(
        (shard) => `${tag(shard)}:${QUEUE_NAMES[channel]}:${deliveryJobId(job)}`,
      );
      return (await Promise.all(keys.map((key) => connection.exists(key)))).some((n) => n > 0);
    },
    async inUse() {
      const higher = Array.from({ length: MAX_QUEUE_SHARDS - shards }, (_, i) => shards + i);
      const used = await Promise.all(
        higher.map(async (shard) => {
          const metas = CHANNELS.map((kind) => `${tag(shard)}:${QUEUE_NAMES[kind]}:meta`);
          return (await Promise.all(metas.map((key) => connection.exists(key)))).some((n) => n > 0);
        }),
      );
      inUseCount = used.lastIndexOf(true) + 1 + shards;
      return inUseCount;
    },
    async close() {
      await Promise.all(list.map((queue) => queue.close()));
    },
  };
}

/** A BullMQ worker on one shard (0 by default) of a channel's queue. */
export function createDeliveryWorker(
  kind: ChannelName,
  processor: (job: Job<DeliveryJob>) => Promise<void>,
  options: { connection: RedisConnection; prefix: string; concurrency: number; shard?: number } & Pick<
    WorkerOptions,
    'autorun' | 'lockDuration' | 'stalledInterval'
  >,
): Worker<DeliveryJob> {
  const { prefix, shard, ...rest } = options;
  return new Worker<DeliveryJob>(QUEUE_NAMES[kind], processor, {
    ...rest,
    ...KEEP_FINISHED,
    prefix: queuePrefix(prefix, shard),
  });
}
