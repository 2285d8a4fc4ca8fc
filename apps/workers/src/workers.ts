import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CHANNELS, deriveKeys } from '@sendcode/policy';
import type { Logger } from '@sendcode/runtime';
import { createDeliveryWorker, createVerificationStore } from '@sendcode/store';
import { Redis } from 'ioredis';
import type { WorkersEnv } from './config.ts';
import { createDeliveryProcessor } from './deliver.ts';
import { createWorkerMetrics } from './metrics.ts';
import { buildChannels } from './providers.ts';

export interface RunningWorkers {
  /** Base URL of the metrics server (`/metrics`, `/healthz`). */
  readonly url: string;
  /** Stops taking jobs, lets the active ones finish, then closes connections. */
  close(): Promise<void>;
}

/** Wires one BullMQ worker per channel queue and the metrics server. `WORKERS_METRICS_PORT=0` picks a free port. */
export async function startWorkers(config: WorkersEnv, logger: Logger): Promise<RunningWorkers> {
  const channels = buildChannels(config);
  const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: null });
  // ioredis reconnects by itself; an error event without a listener would crash the process.
  redis.on('error', (error) => logger.warn({ err: error }, 'redis connection error'));
  const metrics = createWorkerMetrics();
  const deliver = createDeliveryProcessor({
    store: createVerificationStore({ redis, prefix: config.SENDCODE_PREFIX }),
    keys: deriveKeys(config.SENDCODE_SECRET),
    channels,
    metrics,
    logger,
    now: Date.now,
  });
  const workers = CHANNELS.map((channel) =>
    createDeliveryWorker(channel, deliver, {
      connection: redis,
      prefix: config.SENDCODE_PREFIX,
      concurrency: config.WORKER_CONCURRENCY,
    }).on('error', (error) => logger.error({ err: error, channel }, 'worker error')),
  );

  const server = createServer((req, res) => {
    if (req.url === '/metrics') {
      void metrics.registry.metrics().then((body) => {
        res.setHeader('Content-Type', metrics.registry.contentType);
        res.end(body);
      });
      return;
    }
    if (req.url === '/healthz') {
      const running = workers.every((worker) => worker.isRunning());
      res.statusCode = running ? 200 : 503;
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ status: running ? 'ok' : 'stopped' }));
      return;
    }
    res.statusCode = 404;
    res.end();
  });
  server.listen(config.WORKERS_METRICS_PORT, config.WORKERS_HOST);
  await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
  const { port } = server.address() as AddressInfo;
  const providers = Object.fromEntries(
    CHANNELS.map((c) => [c, channels[c].map((adapter) => adapter.provider)]),
  );
  logger.info({ providers }, 'workers running');

  return {
    url: `http://${config.WORKERS_HOST}:${port}`,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all(workers.map((worker) => worker.close()));
      await Promise.all(CHANNELS.flatMap((c) => channels[c].map((adapter) => adapter.close())));
      await redis.quit();
    },
  };
}
