import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CARRIERS,
  circuitConfig,
  createDeliveryProcessor,
  createEngineMetrics,
  createProviderRouting,
  createReceiptTimeoutProcessor,
  engineConfig,
  providerHealthConfig,
  registerProviderHealthMetrics,
  reportConfigWarnings,
  startReceiptSweeper,
  startSendReconciler,
} from '@sendcode/engine';
import { CHANNELS, type ChannelName, configWarnings, createKeyRing } from '@sendcode/policy';
import type { Logger } from '@sendcode/runtime';
import {
  createAdmission,
  createCircuitBreaker,
  createDeliveryQueues,
  createDeliveryWorker,
  createProviderHealth,
  createReceiptDue,
  createRedisConnection,
  createSendWatch,
  createSpendLedger,
  createVerificationStore,
  type DeliveryJob,
} from '@sendcode/store';
import type { Worker } from 'bullmq';
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { WorkersEnv } from './config.ts';
import { buildChannels, dkimAlignmentWarning, providerAccounts } from './providers.ts';
import { registerQueueMetrics, registerReceiptMetrics } from './queue-metrics.ts';
import { Activity, startWatchdog } from './watchdog.ts';

export interface RunningWorkers {
  /** Base URL of the metrics server (`/metrics`, `/healthz`). */
  readonly url: string;
  /** Stops taking jobs, lets the active ones finish, then closes connections. */
  close(): Promise<void>;
}

/** How long a 'closed' circuit heard from Redis is trusted without asking again. */
const CLOSED_HINT_MS = 250;
/**
 * How long the providers' routing states read from Redis order sends before they are read again (in
 * the background: no send waits for it). A move another process stored is seen within this long.
 */
const ROUTING_CACHE_MS = 1_000;

/**
 * Wires one BullMQ worker per channel queue, the receipt-timeout sweeper, the send reconciler, and
 * the metrics server.
 * `WORKERS_METRICS_PORT=0` picks a free port.
 */
export async function startWorkers(config: WorkersEnv, logger: Logger): Promise<RunningWorkers> {
  const channels = buildChannels(config);
  const dkimWarning = dkimAlignmentWarning(config);
  if (dkimWarning !== undefined) logger.warn(dkimWarning);
  const redis = createRedisConnection(config.REDIS_URL, { maxRetriesPerRequest: null });
  // ioredis reconnects by itself; an error event without a listener would crash the process.
  redis.on('error', (error) => logger.warn({ err: error }, 'redis connection error'));
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const circuit = createCircuitBreaker({
    redis,
    prefix: config.SENDCODE_PREFIX,
    config: circuitConfig(config),
    // Perf (bench/README.md): a closed circuit heard from Redis in the last 250 ms is trusted, which
    // spares almost every send its `allow` round trip. A failure here is still recorded (and reopens
    // the trust question at once); an outage seen by another process reaches this one within 250 ms.
    closedHintMs: CLOSED_HINT_MS,
  });
  const engine = engineConfig(config);
  reportConfigWarnings(registry, logger, configWarnings(engine.settings, providerAccounts(config, channels)));
  const queues = createDeliveryQueues(redis, config.SENDCODE_PREFIX, engine.retry);
  for (const queue of Object.values(queues.queues)) {
    queue.on('error', (error) => logger.warn({ err: error }, 'queue connection error'));
  }
  const receiptDue = createReceiptDue({ redis, prefix: config.SENDCODE_PREFIX });
  const health = createProviderHealth({
    redis,
    prefix: config.SENDCODE_PREFIX,
    ...providerHealthConfig(engine.settings),
  });
  const watch = createSendWatch({ redis, prefix: config.SENDCODE_PREFIX });
  const deps = {
    store: createVerificationStore({ redis, prefix: config.SENDCODE_PREFIX }),
    queues,
    receiptDue,
    watch,
    config: engine,
    ring: createKeyRing(config.SENDCODE_SECRET, config.SENDCODE_PREVIOUS_SECRETS),
    admission: createAdmission({ redis, prefix: config.SENDCODE_PREFIX }),
    health,
    metrics: createEngineMetrics(registry),
    logger,
    now: Date.now,
    usable: (channel: ChannelName) => channels[channel].length > 0,
  };
  const options = {
    connection: redis,
    prefix: config.SENDCODE_PREFIX,
    concurrency: config.WORKER_CONCURRENCY,
    lockDuration: config.WORKER_LOCK_MS,
    stalledInterval: config.WORKER_LOCK_MS,
  };
  const live = new Map<ChannelName, Worker<DeliveryJob>>();
  const activity = new Map<ChannelName, Activity>();
  const deliver = createDeliveryProcessor({
    ...deps,
    spend: createSpendLedger({ redis, prefix: config.SENDCODE_PREFIX }),
    channels,
    circuit,
    routing: createProviderRouting({
      health,
      rules: engine.settings.providerHealth,
      logger,
      now: Date.now,
      random: Math.random,
      cacheMs: ROUTING_CACHE_MS,
    }),
    rateLimit: async (channel, ms) => live.get(channel)?.rateLimit(ms),
  });
  /** Starts (or restarts) the worker of one queue. */
  const start = (channel: ChannelName) => {
    const worker = createDeliveryWorker(channel, deliver, options);
    worker.on('error', (error) => logger.error({ err: error, queue: channel }, 'worker error'));
    const state = new Activity(Date.now());
    state.track(worker, Date.now);
    activity.set(channel, state);
    live.set(channel, worker);
  };
  for (const channel of CHANNELS) start(channel);
  const sweeper = startReceiptSweeper({
    due: receiptDue,
    run: createReceiptTimeoutProcessor(deps),
    logger,
    now: Date.now,
  });
  // Sends a failure left half done (recorded without a job, accepted without a receipt timeout).
  const reconciler = startSendReconciler({ deps });
  const watchdog = startWatchdog({
    watched: CHANNELS.map((channel) => ({
      queue: queues.queues[channel],
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
  const workers = () => [...live.values()];

  const breakers = CHANNELS.flatMap((channel) =>
    CARRIERS[channel].map((provider) => ({ provider, channel })),
  );
  new Gauge({
    name: 'sendcode_provider_circuit_open',
    help: '1 while the circuit breaker of a provider’s API for a channel is open or half-open (shared by every worker, read from Redis).',
    labelNames: ['provider', 'channel'],
    registers: [registry],
    async collect() {
      const states = await circuit.states(
        breakers.map(({ provider, channel }) => `${provider}:${channel}` as const),
      );
      for (const { provider, channel } of breakers) {
        this.set({ provider, channel }, states[`${provider}:${channel}`] === 'closed' ? 0 : 1);
      }
    },
  });

  registerProviderHealthMetrics(registry, health, engine.settings.providerHealth, logger, Date.now);

  if (config.WORKERS_EXPORT_QUEUE_METRICS) {
    registerQueueMetrics(registry, Object.values(queues.queues), logger);
    registerReceiptMetrics(registry, receiptDue, logger);
  }

  const server = createServer((req, res) => {
    if (req.url === '/metrics') {
      registry.metrics().then(
        (body) => {
          res.setHeader('Content-Type', registry.contentType);
          res.end(body);
        },
        () => {
          res.statusCode = 503;
          res.end();
        },
      );
      return;
    }
    if (req.url === '/healthz') {
      const running = workers().every((worker) => worker.isRunning());
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

  let closing: Promise<void> | undefined;
  return {
    url: `http://${config.WORKERS_HOST}:${port}`,
    close() {
      closing ??= (async () => {
        await new Promise<void>((resolve) => server.close(() => resolve()));
        watchdog.stop();
        // With Redis away, BullMQ's close and QUIT, and the sweeper's and reconciler's pending
        // commands, wait for it forever, and a stop would wait out the runtime's kill. No job can
        // finish without Redis anyway (each records its outcome there): then the workers close at
        // once, leaving their jobs to the stalled check as a crash would, and nothing waits for it.
        const away = redis.status !== 'ready';
        const swept = Promise.all([sweeper.stop(), reconciler.stop()]);
        await Promise.all(workers().map((worker) => worker.close(away)));
        if (!away) {
          await swept;
          await queues.close();
        }
        await Promise.all(CHANNELS.flatMap((c) => channels[c].map((adapter) => adapter.close())));
        if (away) redis.disconnect();
        else await redis.quit();
      })();
      return closing;
    },
  };
}
