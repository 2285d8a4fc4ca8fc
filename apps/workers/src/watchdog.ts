import type { Logger } from '@sendcode/runtime';
import type { DeliveryJob } from '@sendcode/store';
import type { Queue, Worker } from 'bullmq';
import { waitingSince } from './queue-metrics.ts';

/**
 * Liveness watchdog. BullMQ workers have been seen to stay connected yet stop taking jobs after a
 * Redis reconnect (bullmq#4479, #4585), so codes wait until they expire while every health check is
 * green. Every `intervalMs` the watchdog looks at each queue: jobs waiting longer than `stuckMs`
 * while its worker runs nothing and has started nothing for `stuckMs` means the worker is stuck, and
 * it is replaced by a new one. A busy worker (jobs running) is never touched.
 */
export interface Watched {
  readonly queue: Queue<DeliveryJob>;
  /** What the worker now consuming `queue` is doing. */
  activity(): Activity;
  /** Closes the current worker (without waiting for its jobs) and starts a new one. */
  replace(): Promise<void>;
}

export interface WatchdogOptions {
  readonly watched: readonly Watched[];
  readonly intervalMs: number;
  readonly stuckMs: number;
  readonly logger: Logger;
  readonly now: () => number;
  /** Called after each replacement (for metrics). */
  readonly onReplace?: (queue: string) => void;
}

/** Activity of one worker: jobs running now and when the last one started. */
export class Activity {
  running = 0;
  lastStart: number;
  constructor(now: number) {
    this.lastStart = now;
  }
  /** Counts a worker's jobs from its events. */
  track(worker: Worker<DeliveryJob>, now: () => number): void {
    worker.on('active', () => {
      this.running += 1;
      this.lastStart = now();
    });
    const done = () => {
      this.running = Math.max(0, this.running - 1);
    };
    worker.on('completed', done);
    worker.on('failed', done);
  }
}

/** Pure: is a queue's worker stuck? */
export function isStuck(input: {
  oldestWaitingMs: number | undefined;
  idleMs: number;
  running: number;
  stuckMs: number;
}) {
  return (
    input.oldestWaitingMs !== undefined &&
    input.oldestWaitingMs > input.stuckMs &&
    input.idleMs > input.stuckMs &&
    input.running === 0
  );
}

export function startWatchdog(options: WatchdogOptions): { stop(): void } {
  const { watched, logger, now } = options;
  let checking = false;
  const timer = setInterval(async () => {
    if (checking) return;
    checking = true;
    try {
      for (const entry of watched) {
        const [oldest] = await entry.queue.getWaiting(0, 0);
        const state = entry.activity();
        const stuck = isStuck({
          oldestWaitingMs: oldest ? now() - waitingSince(oldest) : undefined,
          idleMs: now() - state.lastStart,
          running: state.running,
          stuckMs: options.stuckMs,
        });
        if (!stuck) continue;
        logger.warn({ queue: entry.queue.name }, 'worker connected but not consuming: replacing it');
        await entry.replace();
        options.onReplace?.(entry.queue.name);
      }
    } catch (error) {
      logger.warn({ err: error }, 'watchdog check failed');
    } finally {
      checking = false;
    }
  }, options.intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
