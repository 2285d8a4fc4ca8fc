/**
 * Baseline for the pipeline: raw BullMQ on the same Redis — N no-op jobs added one `queue.add` at a
 * time by as many concurrent producers as the pipeline has HTTP connections (this process), processed
 * by a BullMQ worker in its own process at our workers' concurrency.
 */
import { Queue } from 'bullmq';
import { redisCommands } from '../lib/api.ts';
import { CONFIG } from '../lib/config.ts';
import { spawnTsx } from '../lib/processes.ts';
import { quantile, waitUntil } from '../lib/stats.ts';
import type { BenchSystem } from '../lib/system.ts';

export interface RawBullmq {
  readonly perSecond: number;
  readonly p50: number;
  readonly p99: number;
  /** Redis commands per job, add to completion (INFO commandstats; Lua's inner calls included). */
  readonly commandsPerJob: number;
}

type Report = { ready?: boolean; last?: number; latencies?: number[] };

export async function rawBullmq(system: BenchSystem, n: number): Promise<RawBullmq> {
  const worker = spawnTsx('raw-bullmq-worker', 'bench/baselines/bullmq-worker.ts', {
    REDIS_URL: system.redisServer.url,
    BENCH_N: String(n),
    BENCH_CONCURRENCY: String(CONFIG.workerConcurrency),
  });
  let report: Report | undefined;
  let ready = false;
  worker.process.on('message', (message: Report) => {
    if (message.ready) ready = true;
    else report = message;
  });
  const queue = new Queue<{ t: number }>('raw-noop', { connection: system.redis, prefix: 'rawbench' });
  try {
    if (!(await waitUntil(() => ready, 20_000))) throw new Error('raw BullMQ worker did not start');
    const commandsBefore = await redisCommands(system);
    const start = Date.now();
    let next = 0;
    const producer = async () => {
      while (next < n) {
        next++;
        await queue.add('noop', { t: Date.now() }, { removeOnComplete: { age: 3_600, count: 10_000 } });
      }
    };
    await Promise.all(Array.from({ length: CONFIG.connections }, producer));
    await waitUntil(() => report !== undefined, 300_000, 100);
    const done = report;
    if (!done?.last || !done.latencies) throw new Error('raw BullMQ baseline did not finish in 5 minutes');
    return {
      commandsPerJob: ((await redisCommands(system)) - commandsBefore) / n,
      perSecond: n / ((done.last - start) / 1000),
      p50: quantile(done.latencies, 0.5),
      p99: quantile(done.latencies, 0.99),
    };
  } finally {
    await queue.close();
    await worker.stop();
  }
}
