/**
 * Benchmark sizes. The defaults, overridable by environment; `--quick` (or BENCH_QUICK=1)
 * shrinks everything so a whole run takes about two minutes, for use while developing.
 */
const quick = process.argv.includes('--quick') || process.env.BENCH_QUICK === '1';

function int(name: string, full: number, small: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return quick ? small : full;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer`);
  return value;
}

export const CONFIG = {
  quick,
  /** Verifications in the pipeline, check and peer scenarios. */
  n: int('BENCH_N', 20_000, 3_000),
  /** Seconds of fixed-concurrency load in the accept scenarios. */
  seconds: int('BENCH_SECONDS', 10, 5),
  /** Verifications waiting in the backlog scenario. */
  backlog: int('BENCH_BACKLOG', 200_000, 20_000),
  /** Lifecycles measured by the cost scenario. */
  costN: int('BENCH_COST_N', 5_000, 1_000),
  /** Seconds of steady load in the outage scenario (Twilio fails from a third of the way in). */
  outageSeconds: int('BENCH_OUTAGE_SECONDS', 30, 15),
  /** Requests per second during the outage scenario. */
  outageRate: int('BENCH_OUTAGE_RATE', 200, 150),
  /** HTTP connections of every load generator (and concurrency of the raw BullMQ producer and notifme). */
  connections: int('BENCH_CONNECTIONS', 32, 32),
  /** Concurrency of each BullMQ worker, ours and the baseline's (the workers' default). */
  workerConcurrency: int('BENCH_WORKER_CONCURRENCY', 20, 20),
  /** Verifications in the cluster scenario (pipeline on a local three-master Redis Cluster). */
  clusterN: int('BENCH_CLUSTER_N', 5_000, 1_000),
  /** `--cluster`: run the cluster scenario only. */
  clusterOnly: process.argv.includes('--cluster'),
  /** Writes `node --cpu-prof` profiles of the gateway and workers to bench/results/profiles. */
  profile: process.env.BENCH_PROFILE === '1',
} as const;
