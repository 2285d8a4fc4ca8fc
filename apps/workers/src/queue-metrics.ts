import { type Logger, withTimeout } from '@sendcode/runtime';
import type { ReceiptDue } from '@sendcode/store';
import type { Job, Queue } from 'bullmq';
import { Gauge, type Registry } from 'prom-client';

/** Job states exported by `sendcode_queue_jobs` (BullMQ's names; `prioritized` jobs wait too). */
export const QUEUE_STATES = ['waiting', 'prioritized', 'active', 'delayed', 'failed', 'completed'] as const;

/** Redis that does not answer must not hang the scrape: give up and export nothing instead. */
const COLLECT_TIMEOUT_MS = 2_000;

/**
 * Queue depth per state and the age of the oldest waiting job, read from Redis at scrape time, over
 * every shard of each channel's queue (summed; the oldest of them), labelled by the queue's name. Every
 * worker process sees the same queues, so only the process for which `exporting()` is true (the one
 * holding the queue-metrics lease) gives samples; the others give none, and no series is duplicated.
 */
export function registerQueueMetrics(
  registry: Registry,
  queues: readonly Queue[],
  logger: Logger,
  exporting: () => boolean = () => true,
  now: () => number = Date.now,
): void {
  const failed = (error: unknown) => logger.warn({ err: error }, 'queue metrics: Redis did not answer');
  new Gauge({
    name: 'sendcode_queue_jobs',
    help: 'Jobs in each delivery queue, by BullMQ state (exported by one worker process only).',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      this.reset();
      if (!exporting()) return;
      const counts = await withTimeout(
        Promise.all(queues.map((queue) => queue.getJobCounts(...QUEUE_STATES))),
        COLLECT_TIMEOUT_MS,
      ).catch(failed);
      if (!counts) return;
      // The shards of a channel's queue share its name: their counts add up.
      for (const queue of queues) for (const state of QUEUE_STATES) this.set({ queue: queue.name, state }, 0);
      queues.forEach((queue, index) => {
        for (const state of QUEUE_STATES) this.inc({ queue: queue.name, state }, counts[index]?.[state] ?? 0);
      });
    },
  });
  new Gauge({
    name: 'sendcode_queue_oldest_waiting_seconds',
    help: 'How long the oldest job waiting in each delivery queue has waited; 0 when none waits.',
    labelNames: ['queue'],
    registers: [registry],
    async collect() {
      this.reset();
      if (!exporting()) return;
      const oldest = await withTimeout(
        Promise.all(queues.map(async (queue) => (await queue.getWaiting(0, 0))[0])),
        COLLECT_TIMEOUT_MS,
      ).catch(failed);
      if (!oldest) return;
      // Of the shards of a channel's queue, the one whose oldest job waited longest.
      const ages = new Map<string, number>();
      queues.forEach((queue, index) => {
        const job = oldest[index];
        const age = job ? Math.max(0, (now() - waitingSince(job)) / 1000) : 0;
        ages.set(queue.name, Math.max(age, ages.get(queue.name) ?? 0));
      });
      for (const [queue, age] of ages) this.set({ queue }, age);
    },
  });
}

/**
 * Sends waiting for a delivery receipt: the entries of the receipt timeouts' due set, read from Redis
 * at scrape time, so exported by the same one process as the queue metrics.
 */
export function registerReceiptMetrics(
  registry: Registry,
  due: Pick<ReceiptDue, 'size'>,
  logger: Logger,
  exporting: () => boolean = () => true,
): void {
  new Gauge({
    name: 'sendcode_receipts_awaited',
    help: 'Sends accepted and waiting for a delivery receipt (exported by one worker process only).',
    registers: [registry],
    async collect() {
      if (!exporting()) {
        this.remove();
        return;
      }
      const size = await withTimeout(due.size(), COLLECT_TIMEOUT_MS).catch((error: unknown) => {
        logger.warn({ err: error }, 'receipt metrics: Redis did not answer');
      });
      // No answer: no sample (remove() drops the unlabelled series), rather than a made-up 0.
      if (size === undefined) this.remove();
      else this.set(size);
    },
  });
}

/**
 * When a job started waiting: added (plus its delay, for delayed jobs promoted to waiting), or
 * last taken by a worker, for a job back from a retry.
 */
export function waitingSince(job: Job): number {
  return Math.max(job.timestamp + (job.delay ?? 0), job.processedOn ?? 0);
}
