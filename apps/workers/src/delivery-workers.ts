import { createDeliveryProcessor, type SenderDeps } from '@sendcode/engine';
import { CHANNELS, type ChannelName } from '@sendcode/policy';
import type { Logger } from '@sendcode/runtime';
import { createDeliveryWorker, type DeliveryJob, type RedisConnection } from '@sendcode/store';
import type { Worker } from 'bullmq';
import type { WorkersEnv } from './config.ts';
import { Activity, startWatchdog, type Watched } from './watchdog.ts';

export interface DeliveryWorkers {
  /** Whether every queue's worker is running (what `/healthz` answers). */
  running(): boolean;
  /**
   * Also consumes the shards up to `shards` (those a larger QUEUE_SHARDS used: `DeliveryQueues.inUse`),
   * each with a worker of the concurrency a configured shard has; nothing once closing.
   */
  consume(shards: number): void;
  /** Stops taking jobs and waits for the active ones to finish; `force`: without waiting (Redis away). */
  close(force?: boolean): Promise<void>;
}

export interface DeliveryWorkersOptions {
  readonly connection: RedisConnection;
  readonly prefix: string;
  /** Shards of each channel's queue sends go to (`DeliveryQueues.shards`), consumed from the start. */
  readonly shards: number;
  readonly config: Pick<WorkersEnv, 'WORKER_CONCURRENCY' | 'WORKER_LOCK_MS' | 'WATCHDOG_STUCK_SECONDS'>;
  readonly logger: Logger;
}

/**
 * Concurrency of one shard's worker: a channel's `WORKER_CONCURRENCY` split over its `shards` (the
 * first ones take the remainder), at least 1 each. Sends hash evenly over the shards, so the channel
 * still runs about `total` jobs at once per process.
 */
export function shardConcurrency(total: number, shards: number, shard: number): number {
  return Math.max(1, Math.floor(total / shards) + (shard < total % shards ? 1 : 0));
}

interface Shard {
  readonly channel: ChannelName;
  readonly shard: number;
  readonly name: string;
}

/**
 * One BullMQ worker per shard of each channel's queue running the delivery processor, and the
 * watchdog that replaces a worker connected but no longer taking jobs. A channel whose providers all
 * answered 429 pauses every shard of its queue (`worker.rateLimit`).
 */
export function startDeliveryWorkers(
  deps: Omit<SenderDeps, 'rateLimit'>,
  options: DeliveryWorkersOptions,
): DeliveryWorkers {
  const { config, logger } = options;
  const shards: Shard[] = [];
  const live = new Map<string, Worker<DeliveryJob>>();
  const activity = new Map<string, Activity>();
  const watched: Watched[] = [];
  let closing = false;
  const deliver = createDeliveryProcessor({
    ...deps,
    rateLimit: async (channel, ms) => {
      const paused = shards.filter((shard) => shard.channel === channel);
      await Promise.all(paused.map((shard) => live.get(shard.name)?.rateLimit(ms)));
    },
  });
  /** Starts (or restarts) the worker of one shard. */
  const start = ({ channel, shard, name }: Shard) => {
    const worker = createDeliveryWorker(channel, deliver, {
      connection: options.connection,
      prefix: options.prefix,
      shard,
      concurrency: shardConcurrency(config.WORKER_CONCURRENCY, options.shards, shard),
      lockDuration: config.WORKER_LOCK_MS,
      stalledInterval: config.WORKER_LOCK_MS,
    });
    worker.on('error', (error) => logger.error({ err: error, queue: channel, shard }, 'worker error'));
    const state = new Activity(Date.now());
    state.track(worker, Date.now);
    activity.set(name, state);
    live.set(name, worker);
  };
  const consume = (count: number) => {
    for (let shard = shards.length / CHANNELS.length; shard < count && !closing; shard++) {
      for (const channel of CHANNELS) {
        const entry = { channel, shard, name: `${channel}:${shard}` };
        const queue = deps.queues.queue(channel, shard);
        queue.on('error', (error) => logger.warn({ err: error }, 'queue connection error'));
        shards.push(entry);
        start(entry);
        watched.push({
          queue,
          activity: () => activity.get(entry.name) ?? new Activity(Date.now()),
          replace: async () => {
            await live.get(entry.name)?.close(true);
            start(entry);
          },
        });
      }
    }
  };
  consume(options.shards);
  const watchdog = startWatchdog({
    watched,
    intervalMs: config.WATCHDOG_STUCK_SECONDS * 250,
    stuckMs: config.WATCHDOG_STUCK_SECONDS * 1000,
    logger,
    now: Date.now,
  });
  return {
    running: () => [...live.values()].every((worker) => worker.isRunning()),
    consume,
    async close(force = false) {
      closing = true;
      watchdog.stop();
      await Promise.all([...live.values()].map((worker) => worker.close(force)));
    },
  };
}
