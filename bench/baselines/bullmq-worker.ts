/**
 * Baseline for the pipeline scenario, worker side: a BullMQ worker that does nothing with its jobs, at
 * the concurrency our workers use. Reports to the parent (IPC) when BENCH_N jobs completed: the time
 * of the last completion and the add→completion latency of each job (jobs carry their add time).
 */
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';

const total = Number(process.env.BENCH_N);
const connection = new Redis(String(process.env.REDIS_URL), { maxRetriesPerRequest: null });
const latencies: number[] = [];
let last = 0;
const worker = new Worker<{ t: number }>(
  'raw-noop',
  async (job) => {
    const now = Date.now();
    latencies.push(now - job.data.t);
    last = now;
    if (latencies.length === total) process.send?.({ last, latencies });
  },
  { connection, prefix: 'rawbench', concurrency: Number(process.env.BENCH_CONCURRENCY) },
);
worker.on('error', () => {});
process.once('SIGTERM', () => {
  void worker.close().then(() => process.exit(0));
});
process.send?.({ ready: true });
