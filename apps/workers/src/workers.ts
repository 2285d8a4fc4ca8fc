import {
  type ChannelSet,
  circuitConfig,
  createEngineMetrics,
  createProviderRouting,
  createReceiptTimeoutProcessor,
  durableConfig,
  type EngineConfig,
  engineConfig,
  providerHealthConfig,
  reportConfigWarnings,
  type SenderDeps,
  startReceiptSweeper,
  startSendReconciler,
} from '@sendcode/engine';
import { CHANNELS, type ChannelName, configWarnings, createKeyRing } from '@sendcode/policy';
import type { Logger } from '@sendcode/runtime';
import {
  checkRedisAtBoot,
  createLease,
  createRedisConnection,
  keepLease,
  openStores,
  type RedisConnection,
  type Stores,
} from '@sendcode/store';
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { WorkersEnv } from './config.ts';
import { startDeliveryWorkers } from './delivery-workers.ts';
import { startMetricsServer } from './metrics-server.ts';
import { buildChannels, dkimAlignmentWarning, providerAccounts } from './providers.ts';
import { registerWorkerMetrics } from './worker-metrics.ts';

export interface RunningWorkers {
  /** Base URL of the metrics server (`/metrics`, `/healthz`). */
  readonly url: string;
  /** Stops taking jobs, lets the active ones finish, then closes connections. */
  close(): Promise<void>;
}

export interface WorkersOptions {
  /**
   * The adapters to send with, in the order to try them; by default those the environment has
   * credentials for (`buildChannels`). Given by a caller that sends another way.
   */
  readonly channels?: ChannelSet;
}

/** How long a 'closed' circuit heard from Redis is trusted without asking again. */
const CLOSED_HINT_MS = 250;
/**
 * How long the providers' routing states read from Redis order sends before they are read again (in
 * the background: no send waits for it). A move another process stored is seen within this long.
 */
const ROUTING_CACHE_MS = 1_000;

/**
 * A connection that has carried nothing back for this long while a command waits on it is dropped
 * and opened again, its unanswered commands sent again (ioredis `socketTimeout`): a link a NAT or a
 * firewall forgot answers nothing, ever, and no reset comes to say so. Longer than any command here
 * waits by design: BullMQ blocks for a job at most 10 s (on a connection that inherits this one's
 * options), a durable accept's WAIT at most 10 s (`REDIS_WAIT_TIMEOUT_MS`).
 */
const SILENT_LINK_MS = 15_000;

/** The queue-metrics lease: renewed every third of it, taken over this long after its holder dies. */
const QUEUE_METRICS_LEASE_MS = 15_000;

/**
 * Wires one BullMQ worker per shard of each channel queue, the receipt-timeout sweeper, the send reconciler, and
 * the metrics server. `WORKERS_METRICS_PORT=0` picks a free port.
 */
export async function startWorkers(
  config: WorkersEnv,
  logger: Logger,
  options: WorkersOptions = {},
): Promise<RunningWorkers> {
  const channels = options.channels ?? buildChannels(config);
  const dkimWarning = dkimAlignmentWarning(config);
  if (dkimWarning !== undefined) logger.warn(dkimWarning);
  const redis = await connect(config.REDIS_URL, logger);
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const engine = engineConfig(config);
  const stores = openStores(redis, config.SENDCODE_PREFIX, {
    health: providerHealthConfig(engine.settings),
    retry: engine.retry,
    queueShards: config.QUEUE_SHARDS,
    // Perf (bench/README.md): a closed circuit heard from Redis in the last 250 ms is trusted, which
    // spares almost every send its `allow` round trip. A failure here is still recorded (and reopens
    // the trust question at once); an outage seen by another process reaches this one within 250 ms.
    circuit: { config: circuitConfig(config), closedHintMs: CLOSED_HINT_MS },
    durable: durableConfig(config),
  });
  reportConfigWarnings(registry, logger, configWarnings(engine.settings, providerAccounts(config, channels)));
  const deps = senderDeps(config, engine, stores, channels, registry, logger);
  const workers = startDeliveryWorkers(deps, {
    connection: redis,
    prefix: stores.prefix,
    shards: stores.queues.shards,
    config,
    logger,
  });
  // And the higher shards a larger QUEUE_SHARDS used, once Redis answers (it may be away at boot).
  stores.queues.inUse().then(workers.consume, (error: unknown) => {
    logger.warn({ err: error }, 'could not find the queue shards in use: consuming the configured ones');
  });
  const run = createReceiptTimeoutProcessor(deps);
  const sweeper = startReceiptSweeper({ due: stores.receiptDue, run, logger, now: Date.now });
  // Sends a failure left half done (recorded without a job, accepted without a receipt timeout).
  const reconciler = startSendReconciler({ deps });
  // Any number of worker processes: the one holding this lease exports the queue gauges.
  const queueMetrics = config.WORKERS_EXPORT_QUEUE_METRICS
    ? keepLease(
        createLease({ redis, prefix: stores.prefix, name: 'queue-metrics', ttlMs: QUEUE_METRICS_LEASE_MS }),
        QUEUE_METRICS_LEASE_MS / 3,
        logger,
      )
    : undefined;
  registerWorkerMetrics(registry, {
    ...stores,
    rules: engine.settings.providerHealth,
    exportingQueueMetrics: queueMetrics?.holding,
    logger,
    now: Date.now,
  });
  const server = await startMetricsServer({
    registry,
    healthy: workers.running,
    port: config.WORKERS_METRICS_PORT,
    host: config.WORKERS_HOST,
  });
  const providers = Object.fromEntries(
    CHANNELS.map((c) => [c, channels[c].map((adapter) => adapter.provider)]),
  );
  logger.info({ providers }, 'workers running');

  let closing: Promise<void> | undefined;
  return {
    url: server.url,
    close() {
      closing ??= (async () => {
        await server.close();
        // With Redis away, BullMQ's close and QUIT, and the sweeper's and reconciler's pending
        // commands, wait for it forever, and a stop would wait out the runtime's kill. No job can
        // finish without Redis anyway (each records its outcome there): then the workers close at
        // once, leaving their jobs to the stalled check as a crash would, and nothing waits for it.
        const away = redis.status !== 'ready';
        const stopped = Promise.all([sweeper.stop(), reconciler.stop(), queueMetrics?.stop()]);
        await workers.close(away);
        if (!away) {
          await stopped;
          await stores.queues.close();
        }
        await Promise.all(CHANNELS.flatMap((c) => channels[c].map((adapter) => adapter.close())));
        if (away) redis.disconnect();
        else await redis.quit();
      })();
      return closing;
    },
  };
}

/** The workers' one connection (BullMQ duplicates it for its blocking reads), checked at boot. */
async function connect(url: string, logger: Logger): Promise<RedisConnection> {
  const redis = createRedisConnection(url, { maxRetriesPerRequest: null, socketTimeout: SILENT_LINK_MS });
  // ioredis reconnects by itself; an error event without a listener would crash the process.
  redis.on('error', (error) => logger.warn({ err: error }, 'redis connection error'));
  await checkRedisAtBoot(redis, logger).catch(async (error: unknown) => {
    redis.disconnect();
    throw error;
  });
  return redis;
}

/** What the delivery and receipt-timeout processors and the reconciler are given. */
function senderDeps(
  config: WorkersEnv,
  engine: EngineConfig,
  stores: Stores,
  channels: ChannelSet,
  registry: Registry,
  logger: Logger,
): Omit<SenderDeps, 'rateLimit'> {
  return {
    ...stores,
    config: engine,
    ring: createKeyRing(config.SENDCODE_SECRET, config.SENDCODE_PREVIOUS_SECRETS),
    metrics: createEngineMetrics(registry),
    logger,
    now: Date.now,
    usable: (channel: ChannelName) => channels[channel].length > 0,
    channels,
    routing: createProviderRouting({
      health: stores.health,
      rules: engine.settings.providerHealth,
      logger,
      now: Date.now,
      random: Math.random,
      cacheMs: ROUTING_CACHE_MS,
    }),
  };
}
