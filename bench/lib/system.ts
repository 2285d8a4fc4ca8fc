/**
 * The system under test: its own redis-server (ephemeral port), the provider sandbox in this process
 * (zero added latency; receipts 10 ms after acceptance when asked for), one gateway process and one
 * workers process.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import {
  DEFAULT_VONAGE_SIGNATURE_SECRET,
  newSandboxCredentials,
  type Sandbox,
  sandboxProviderEnv,
  startSandbox,
} from '@sendcode/sandbox';
import { createDeliveryQueues, DEFAULT_PREFIX } from '@sendcode/store';
import { freePort, type RedisServer, startRedisServer } from '@sendcode/testing';
import { Redis } from 'ioredis';
import { CONFIG } from './config.ts';
import { type Child, RESULTS_DIR, spawnTsx, waitHttp } from './processes.ts';

/**
 * Limits far above what the benchmark sends, so admission is executed on every start but never what
 * is measured: every scope stays counted, none refuses. The conversion guard is off (threshold 0).
 */
const BENCH_SETTINGS = {
  limits: {
    destination: [{ limit: 1_000_000, windowSeconds: 600 }],
    account: { limit: 1_000_000_000, windowSeconds: 3600 },
    ip: { limit: 1_000_000_000, windowSeconds: 3600 },
    client: { limit: 1_000_000_000, windowSeconds: 60 },
    prefix: { limit: 1_000_000_000, windowSeconds: 3600, digits: 7 },
  },
  fraud: {
    conversion: { minSends: 1_000_000_000, threshold: 0, windowSeconds: 3600, blockSeconds: 3600, digits: 7 },
  },
};

export interface BenchSystem {
  readonly redis: Redis;
  readonly redisServer: RedisServer;
  readonly sandbox: Sandbox;
  readonly gatewayUrl: string;
  readonly apiKey: string;
  readonly env: Readonly<Record<string, string>>;
  /** Starts the workers process; `receipts` gives it PUBLIC_URL so providers are asked for receipts. */
  startWorkers(receipts: boolean): Promise<void>;
  stopWorkers(): Promise<void>;
  /**
   * CPU time used so far (ms, user + system) by each process of the system: the gateway, the workers
   * (0 while none run), Redis, and this process (the load generator and the sandbox). Linux only
   * (reads /proc); NaN elsewhere.
   */
  cpuMs(): CpuMs;
  /**
   * Empties Redis and the sandbox between scenarios (Lua scripts stay cached), then writes the queues'
   * settings as a gateway does when it starts: `FLUSHALL` erases them, and BullMQ's scripts would
   * otherwise fall back to their defaults (an event stream of 10,000 entries instead of our 1,000,
   * about 1 MB that no deployment carries).
   */
  reset(): Promise<void>;
  close(): Promise<void>;
}

export interface CpuMs {
  readonly gateway: number;
  readonly workers: number;
  readonly redis: number;
  readonly bench: number;
}

/** CPU ms of a process from /proc/<pid>/stat (utime + stime, in clock ticks of 10 ms). */
function processCpuMs(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

/**
 * `redisUrl`: gateway and workers use that Redis instead (the cluster scenario's); the system's own
 * redis-server then stays idle, and `redis`, `reset` and `cpuMs().redis` are about it, not that one.
 * `extraEnv`: more environment for both processes.
 */
export async function startBenchSystem(
  redisUrl?: string,
  extraEnv: Readonly<Record<string, string>> = {},
): Promise<BenchSystem> {
  const redisServer = await startRedisServer();
  const redis = new Redis(redisServer.url, { maxRetriesPerRequest: null });
  const credentials = { ...newSandboxCredentials(), vonageSignatureSecret: DEFAULT_VONAGE_SIGNATURE_SECRET };
  const sandbox = await startSandbox({ httpPort: 0, smtpPort: 0, receiptDelayMs: 10 });
  const settingsPath = `${RESULTS_DIR}bench-settings.json`;
  writeFileSync(settingsPath, JSON.stringify(BENCH_SETTINGS));
  const apiKey = `sk_bench_${randomBytes(16).toString('hex')}`;
  const port = await freePort();
  const gatewayUrl = `http://127.0.0.1:${port}`;
  const env: Record<string, string> = {
    REDIS_URL: redisUrl ?? redisServer.url,
    SENDCODE_SECRET: randomBytes(32).toString('hex'),
    SENDCODE_SETTINGS: settingsPath,
    LOG_LEVEL: 'error',
    NODE_ENV: 'production',
    SENDCODE_API_KEYS: JSON.stringify([{ name: 'bench', key: apiKey, scopes: ['verify'] }]),
    ...sandboxProviderEnv(sandbox, credentials, 'Sendcode Bench <no-reply@sendcode.bench>'),
    ...extraEnv,
  };
  const gateway = spawnTsx(
    'gateway',
    'apps/gateway/src/main.ts',
    { ...env, PORT: String(port) },
    CONFIG.profile,
  );
  await waitHttp(`${gatewayUrl}/readyz`);
  let workers: Child | undefined;
  const redisPid = Number(/process_id:(\d+)/.exec(await redis.info('server'))?.[1]);

  return {
    redis,
    redisServer,
    sandbox,
    gatewayUrl,
    apiKey,
    env,
    async startWorkers(receipts) {
      const metricsPort = await freePort();
      workers = spawnTsx(
        'workers',
        'apps/workers/src/main.ts',
        {
          ...env,
          WORKERS_METRICS_PORT: String(metricsPort),
          WORKER_CONCURRENCY: String(CONFIG.workerConcurrency),
          ...(receipts ? { PUBLIC_URL: gatewayUrl } : {}),
        },
        CONFIG.profile,
      );
      await waitHttp(`http://127.0.0.1:${metricsPort}/healthz`);
    },
    async stopWorkers() {
      await workers?.stop();
      workers = undefined;
    },
    cpuMs() {
      const own = process.cpuUsage();
      return {
        gateway: processCpuMs(gateway.process.pid),
        workers: processCpuMs(workers?.process.pid),
        redis: processCpuMs(redisPid),
        bench: (own.user + own.system) / 1000,
      };
    },
    async reset() {
      await redis.flushall();
      const queues = createDeliveryQueues(redis, DEFAULT_PREFIX);
      // getVersion waits until the queue has written its settings (closing earlier would skip them).
      await Promise.all(queues.all().map((queue) => queue.getVersion()));
      await queues.close();
      sandbox.clear();
      sandbox.clearFaults();
    },
    async close() {
      await workers?.stop();
      await gateway.stop();
      await sandbox.close();
      redis.disconnect();
      await redisServer.stop();
    },
  };
}
