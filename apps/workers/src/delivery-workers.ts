import { createDeliveryProcessor, type SenderDeps } from '@sendcode/engine';
import { CHANNELS, type ChannelName } from '@sendcode/policy';
import type { Logger } from '@sendcode/runtime';
import { createDeliveryWorker, type DeliveryJob, type RedisConnection } from '@sendcode/store';
import type { Worker } from 'bullmq';
import type { WorkersEnv } from './config.ts';
import { Activity, startWatchdog } from './watchdog.ts';

export interface DeliveryWorkers {
  /** Whether every queue's worker is running (what `/healthz` answers). */
  running(): boolean;
  /** Stops taking jobs and waits for the active ones to finish; `force`: without waiting (Redis away). */
  close(force?: boolean): Promise<void>;
}

export interface DeliveryWorkersOptions {
  readonly connection: RedisConnection;
  readonly prefix: string;
  readonly config: Pick<WorkersEnv, 'WORKER_CONCURRENCY' | 'WORKER_LOCK_MS' | 'WATCHDOG_STUCK_SECONDS'>;
  readonly logger: Logger;
}

/**
 * One BullMQ worker per channel queue running the delivery processor, and the watchdog that
 * replaces a worker connected but no longer taking jobs. A channel whose providers all answered 429
 * pauses its own queue (`worker.rateLimit`).
 */
export function startDeliveryWorkers(
  deps: Omit<SenderDeps, 'rateLimit'>,
  options: DeliveryWorkersOptions,
): DeliveryWorkers {
  const { config, logger } = options;
  const live = new Map<ChannelName, Worker<DeliveryJob>>();
  const activity = new Map<ChannelName, Activity>();
  const deliver = createDeliveryProcessor({
    ...deps,
    rateLimit: async (channel, ms) => live.get(channel)?.rateLimit(ms),
  });
  const workerOptions = {
    connection: options.connection,
    prefix: options.prefix,
    concurrency: config.WORKER_CONCURRENCY,
    lockDuration: config.WORKER_LOCK_MS,
    stalledInterval: config.WORKER_LOCK_MS,
  };
  /** Starts (or restarts) the worker of one queue. */
  const start = (channel: ChannelName) => {
    const worker = createDeliveryWorker(channel, deliver, workerOptions);
    worker.on('error', (error) => logger.error({ err: error, queue: channel }, 'worker error'));
    const state = new Activity(Date.now());
    state.track(worker, Date.now);
    activity.set(channel, state);
    live.set(channel, worker);
  };
  for (const channel of CHANNELS) start(channel);
  const watchdog = startWatchdog({
    watched: CHANNELS.map((channel) => ({
      queue: deps.queues.queues[channel],
      activity: () => activity.get(channel) ?? new Activity(Date.now()),
      replace: async () => {
        await live.get(channel)?.close(true);
        start(channel);
      },
    })),
    intervalMs: config.WATCHDOG_STUCK_SECONDS * 250,
    stuckMs: config.WATCHDOG_STUCK_SECONDS * 1000,
    logger,
    now: Date.now,
  });
  return {
    running: () => [...live.values()].every((worker) => worker.isRunning()),
    async close(force = false) {
      watchdog.stop();
      await Promise.all([...live.values()].map((worker) => worker.close(force)));
    },
  };
}
