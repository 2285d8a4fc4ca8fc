import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createEngineMetrics,
  engineConfig,
  providerHealthConfig,
  registerRedisMemoryMetrics,
  reportConfigWarnings,
  within,
} from '@sendcode/engine';
import { configWarnings, createKeyRing } from '@sendcode/policy';
import type { Logger } from '@sendcode/runtime';
import {
  createAdmission,
  createAuditLog,
  createDeliveryQueues,
  createIdempotencyStore,
  createPrefixGuard,
  createProviderHealth,
  createReceiptDue,
  createRedisConnection,
  createSendWatch,
  createSpendLedger,
  createSupportIndex,
  createVerificationStore,
  readRedisMemory,
} from '@sendcode/store';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { createApp } from './app.ts';
import type { GatewayEnv } from './config.ts';
import { createGatewayMetrics } from './metrics.ts';
import { providerAccounts } from './provider-accounts.ts';

export interface RunningGateway {
  readonly url: string;
  /** Stops accepting requests and closes Redis connections. */
  close(): Promise<void>;
}

/**
 * Wires the gateway from its configuration and listens. `PORT=0` picks a free port; the public URL
 * (for webhook signatures and receipt URLs) defaults to the address actually bound.
 */
export async function startGateway(config: GatewayEnv, logger: Logger): Promise<RunningGateway> {
  const server = createServer();
  server.listen(config.PORT, config.HOST);
  await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
  const { port } = server.address() as AddressInfo;
  const url = `http://${config.HOST}:${port}`;

  // A producer must not wait on Redis while it is away: with no offline queue a request fails fast
  // and is answered 503 `unavailable` instead of hanging (BullMQ's advice). No command is sent again
  // after a reconnect: one cut off by a dropped connection may have run, and its request has failed,
  // so a second run (a create answering "id taken", an admission meeting its own claim) would only
  // turn the client's retry into an error. A command unanswered within REDIS_COMMAND_TIMEOUT_MS
  // fails, and a connection silent for as long is dropped (a stalled link answers nothing, ever).
  const redis = createRedisConnection(config.REDIS_URL, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: config.REDIS_COMMAND_TIMEOUT_MS,
    socketTimeout: config.REDIS_COMMAND_TIMEOUT_MS,
  });
  // Without an offline queue nothing works before the first connection: wait for it (briefly — a
  // gateway that starts while Redis is down serves 503s until it comes).
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 5_000);
    redis.once('ready', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  const engine = { ...engineConfig(config), publicUrl: config.PUBLIC_URL ?? url };
  const queues = createDeliveryQueues(redis, config.SENDCODE_PREFIX, engine.retry);
  // ioredis and BullMQ reconnect by themselves; an error event without a listener would crash us.
  const onError = (error: Error) => logger.warn({ err: error }, 'redis connection error');
  redis.on('error', onError);
  for (const queue of Object.values(queues.queues)) queue.on('error', onError);

  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  reportConfigWarnings(registry, logger, configWarnings(engine.settings, providerAccounts(config)));
  registerRedisMemoryMetrics(registry, () => readRedisMemory(redis), logger);
  const store = createVerificationStore({ redis, prefix: config.SENDCODE_PREFIX });
  const ring = createKeyRing(config.SENDCODE_SECRET, config.SENDCODE_PREVIOUS_SECRETS);
  const admission = createAdmission({ redis, prefix: config.SENDCODE_PREFIX });
  const prefixGuard = createPrefixGuard({ redis, prefix: config.SENDCODE_PREFIX });
  const supportIndex = createSupportIndex({ redis, prefix: config.SENDCODE_PREFIX });
  const spend = createSpendLedger({ redis, prefix: config.SENDCODE_PREFIX });
  const app = createApp({
    config,
    publicUrl: engine.publicUrl,
    store,
    queues,
    ring,
    admission,
    idempotency: createIdempotencyStore({ redis, prefix: config.SENDCODE_PREFIX }),
    prefixGuard,
    supportIndex,
    audit: createAuditLog({ redis, prefix: config.SENDCODE_PREFIX }),
    spend,
    engine: {
      store,
      queues,
      receiptDue: createReceiptDue({ redis, prefix: config.SENDCODE_PREFIX }),
      watch: createSendWatch({ redis, prefix: config.SENDCODE_PREFIX }),
      config: engine,
      ring,
      admission,
      // Receipts count in the providers' delivery health, which the workers route by.
      health: createProviderHealth({
        redis,
        prefix: config.SENDCODE_PREFIX,
        ...providerHealthConfig(engine.settings),
      }),
      prefixGuard,
      supportIndex,
      spend,
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
    ping: () => within(redis.ping(), 1_000),
    now: Date.now,
  });
  server.on('request', app);
  return {
    url,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await queues.close();
      await redis.quit();
    },
  };
}
