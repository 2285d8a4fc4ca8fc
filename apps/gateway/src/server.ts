import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createEngineMetrics,
  durableConfig,
  type EngineConfig,
  engineConfig,
  providerHealthConfig,
  registerRedisMemoryMetrics,
  reportConfigWarnings,
} from '@sendcode/engine';
import { configWarnings, createKeyRing } from '@sendcode/policy';
import { type Logger, withTimeout } from '@sendcode/runtime';
import {
  checkRedisAtBoot,
  createRedisConnection,
  openStores,
  type RedisConnection,
  readRedisMemory,
  type Stores,
} from '@sendcode/store';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { createApp } from './app.ts';
import type { GatewayEnv } from './config.ts';
import type { GatewayDeps } from './deps.ts';
import { trackInFlight } from './in-flight.ts';
import { createGatewayMetrics } from './metrics.ts';
import { providerAccounts } from './provider-accounts.ts';

export interface RunningGateway {
  readonly url: string;
  /**
   * Stops accepting requests, lets those being handled answer (up to `SHUTDOWN_DRAIN_MS`), then
   * closes the Redis connections.
   */
  close(): Promise<void>;
}

/**
 * How long a stopping gateway lets the requests it is handling finish before it closes Redis under
 * them: a start is a few round trips and its retries, well inside this; Kubernetes' grace is 30 s.
 */
const SHUTDOWN_DRAIN_MS = 10_000;

/**
 * Wires the gateway from its configuration and listens. `PORT=0` picks a free port; the public URL
 * (for webhook signatures and receipt URLs) defaults to the address actually bound.
 */
export async function startGateway(config: GatewayEnv, logger: Logger): Promise<RunningGateway> {
  const server = createServer();
  const inFlight = trackInFlight(server);
  // Until the app is wired (Redis connected and checked), every request, a readiness probe too, is
  // answered 503 at once rather than left without an answer.
  let handle: RequestListener = (_req, res) => {
    res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1' });
    res.end(JSON.stringify({ error: { code: 'unavailable', message: 'The gateway is starting.' } }));
  };
  server.on('request', (req, res) => handle(req, res));
  server.listen(config.PORT, config.HOST);
  await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
  const { port } = server.address() as AddressInfo;
  const url = `http://${config.HOST}:${port}`;

  // ioredis and BullMQ reconnect by themselves; an error event without a listener would crash us.
  const onError = (error: Error) => logger.warn({ err: error }, 'redis connection error');
  const redis = await connect(config.REDIS_URL, config.REDIS_COMMAND_TIMEOUT_MS, onError);
  await checkRedisAtBoot(redis, logger).catch(async (error: unknown) => {
    redis.disconnect();
    await new Promise((resolve) => server.close(resolve));
    throw error;
  });
  const engine = { ...engineConfig(config), publicUrl: config.PUBLIC_URL ?? url };
  const stores = openStores(redis, config.SENDCODE_PREFIX, {
    // Receipts count in the providers' delivery health, which the workers route by.
    health: providerHealthConfig(engine.settings),
    retry: engine.retry,
    durable: durableConfig(config),
    queueShards: config.QUEUE_SHARDS,
  });
  for (const queue of stores.queues.all()) queue.on('error', onError);

  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  reportConfigWarnings(registry, logger, configWarnings(engine.settings, providerAccounts(config)));
  registerRedisMemoryMetrics(registry, () => readRedisMemory(redis), logger);
  const app = createApp(gatewayDeps(config, engine, stores, registry, logger, redis));
  handle = app;
  return {
    url,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Not only the sockets: a client that hung up leaves its handler running, and closing Redis
      // under it would fail its writes halfway.
      if (!(await inFlight.drained(SHUTDOWN_DRAIN_MS))) {
        logger.warn({ requests: inFlight.size }, 'gateway stopping with requests still being handled');
      }
      await closed;
      // With Redis away, BullMQ's close and QUIT fail (no offline queue) or wait for it: the gateway
      // has nothing left to write, so it drops the connection and is done, as the workers are.
      if (redis.status !== 'ready') {
        redis.disconnect();
        return;
      }
      await stores.queues.close();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

/**
 * A producer's connection: it must not wait on Redis while it is away. With no offline queue a
 * request fails fast and is answered 503 `unavailable` instead of hanging (BullMQ's advice). No
 * command is sent again after a reconnect: one cut off by a dropped connection may have run, and its
 * request has failed, so a second run (a create answering "id taken", an admission meeting its own
 * claim) would only turn the client's retry into an error. A command unanswered within
 * `commandTimeoutMs` fails, and a connection silent for as long is dropped (a stalled link answers
 * nothing, ever). Without an offline queue nothing works before the first connection, so this waits
 * for it (briefly — a gateway that starts while Redis is down serves 503s until it comes).
 */
async function connect(
  url: string,
  commandTimeoutMs: number,
  onError: (error: Error) => void,
): Promise<RedisConnection> {
  const redis = createRedisConnection(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: commandTimeoutMs,
    socketTimeout: commandTimeoutMs,
  });
  redis.on('error', onError);
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 5_000);
    redis.once('ready', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  return redis;
}

/** What the routes are given: the stores, keys, metrics, and the engine's part of them. */
function gatewayDeps(
  config: GatewayEnv,
  engine: EngineConfig & { readonly publicUrl: string },
  stores: Stores,
  registry: Registry,
  logger: Logger,
  redis: RedisConnection,
): GatewayDeps {
  const ring = createKeyRing(config.SENDCODE_SECRET, config.SENDCODE_PREVIOUS_SECRETS);
  return {
    ...stores,
    config,
    publicUrl: engine.publicUrl,
    ring,
    engine: {
      ...stores,
      config: engine,
      ring,
      defaults: {
        codeLength: config.CODE_LENGTH,
        ttlSeconds: config.CODE_TTL_SECONDS,
        maxAttempts: config.MAX_CHECK_ATTEMPTS,
        brand: config.DEFAULT_BRAND,
      },
      metrics: createEngineMetrics(registry),
      logger,
      now: Date.now,
    },
    registry,
    metrics: createGatewayMetrics(registry),
    logger,
    // A readiness probe must answer even while Redis does not.
    ping: () => withTimeout(redis.ping(), 1_000),
    now: Date.now,
  };
}
