import { randomBytes } from 'node:crypto';
import {
  createKeyRing,
  DEFAULT_SETTINGS,
  hashCode,
  type KeyRing,
  maskDestination,
  type PlanStep,
  sealWith,
} from '@sendcode/policy';
import { createLogger, type Logger } from '@sendcode/runtime';
import {
  createDeliveryWorker,
  type DeliveryJob,
  type OpenStoresOptions,
  openStores,
  type Stores,
  type VerificationStoreOptions,
} from '@sendcode/store';
import { testRedis, uniquePrefix } from '@sendcode/testing';
import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { type EngineConfig, providerHealthConfig } from './config.ts';
import { createDeliveryProcessor } from './deliver/processor.ts';
import type { ChannelSet, SenderDeps } from './deps.ts';
import { createEngineMetrics } from './metrics.ts';
import { sealPlan } from './open-send.ts';
import { createProviderRouting } from './routing.ts';
import type { StartDeps } from './start/types.ts';

/**
 * Test-only fixture of the engine's suites (not exported by the package): the engine's dependencies
 * on the run's Redis, wired as the apps wire them (`openStores` under a prefix of the fixture's own),
 * with what a test injects — adapters, a failing part around a real store, a clock — and nothing
 * else changed.
 */

/** The code every verification of the fixture carries: logs and timelines must never show it. */
export const TEST_CODE = '123456';

export interface EngineFixtureOptions {
  /** Key prefix; a fresh one by default, so tests do not see each other's limits. */
  readonly prefix?: string;
  /** The adapters the delivery processor calls; none by default. */
  readonly channels?: ChannelSet;
  readonly config?: Partial<EngineConfig>;
  /** The workers' key ring; a random one by default. */
  readonly ring?: KeyRing;
  readonly logger?: Logger;
  readonly now?: () => number;
  readonly verifications?: Omit<VerificationStoreOptions, 'redis' | 'prefix'>;
  /** Durable accept (`REDIS_WAIT_REPLICAS`); off by default. */
  readonly durable?: OpenStoresOptions['durable'];
  /** Puts a failing part around a real store (a slow `create`, a queue whose first add fails). */
  readonly wrap?: (stores: Stores) => Partial<Pick<Stores, 'store' | 'queues' | 'watch'>>;
}

export interface EngineFixture {
  /** What the gateway's start and the workers' processors are given. */
  readonly deps: StartDeps & SenderDeps;
  /** The stores as opened, before `wrap`: what another process (the gateway) uses. */
  readonly stores: Stores;
  readonly registry: Registry;
  readonly prefix: string;
  /**
   * Stores a pending verification of `plan` as a start does, sealed with `sealRing` (default: the
   * fixture's ring), under `id` (default: `nextVerificationId()`); nothing is queued. Returns its id.
   */
  create(plan: readonly PlanStep[], options?: CreateOptions): Promise<string>;
  /** Starts one real BullMQ worker per channel queue running the delivery processor (closed by `close`). */
  startWorkers(): void;
  /** Closes the workers, then empties and closes the queues; the caller quits `redis`. */
  close(): Promise<void>;
}

export interface CreateOptions {
  readonly id?: string;
  readonly brand?: string;
  readonly sealRing?: KeyRing;
}

const DEFAULT_CONFIG: EngineConfig = {
  settings: DEFAULT_SETTINGS,
  maxSends: 5,
  resendCooldownMs: 30_000,
  receiptTimeoutMs: { sms: 60_000, voice: 90_000 },
  publicUrl: undefined,
  retry: { attempts: 3, backoffMs: 20 },
  stepRetryMs: 15_000,
  reconcileAfterMs: 5_000,
};

let counter = 0;

/** A verification id no other test of the run uses. */
export function nextVerificationId(): string {
  counter += 1;
  return `ver_${counter.toString(16).padStart(32, '0')}`;
}

export function engineFixture(redis: Redis, options: EngineFixtureOptions = {}): EngineFixture {
  const prefix = options.prefix ?? uniquePrefix('engine');
  const config = { ...DEFAULT_CONFIG, ...options.config };
  const channels = options.channels ?? { email: [], sms: [], voice: [] };
  const logger = options.logger ?? createLogger('test', 'silent');
  const now = options.now ?? Date.now;
  const stores = openStores(redis, prefix, {
    health: providerHealthConfig(config.settings),
    retry: config.retry,
    ...(options.verifications ? { verifications: options.verifications } : {}),
    ...(options.durable ? { durable: options.durable } : {}),
  });
  const registry = new Registry();
  const deps: StartDeps & SenderDeps = {
    ...stores,
    ...options.wrap?.(stores),
    config,
    ring: options.ring ?? createKeyRing(randomBytes(32).toString('hex')),
    metrics: createEngineMetrics(registry),
    logger,
    now,
    usable: (channel) => channels[channel].length > 0,
    channels,
    routing: createProviderRouting({
      health: stores.health,
      rules: config.settings.providerHealth,
      logger,
      now,
      random: Math.random,
      cacheMs: 1_000,
    }),
    rateLimit: async () => {},
    defaults: { codeLength: 6, ttlSeconds: 600, maxAttempts: 5, brand: 'Sendcode' },
  };
  const workers: Worker<DeliveryJob>[] = [];
  return {
    deps,
    stores,
    registry,
    prefix,
    create: (plan, created = {}) => createPending(deps, plan, { sealRing: deps.ring, ...created }),
    startWorkers() {
      const deliver = createDeliveryProcessor(deps);
      for (const channel of ['email', 'sms', 'voice'] as const) {
        workers.push(createDeliveryWorker(channel, deliver, { connection: redis, prefix, concurrency: 1 }));
      }
    },
    async close() {
      await Promise.all(workers.splice(0).map((worker) => worker.close()));
      const queues = stores.queues.all();
      await Promise.all(queues.map((queue) => queue.obliterate({ force: true })));
      await stores.queues.close();
    },
  };
}

/**
 * For a suite whose tests each make their own fixtures: registers its hooks (one connection to the
 * run's Redis; every fixture a test made is closed after it) and returns the factory.
 */
export function fixturePerTest(): (options?: EngineFixtureOptions) => EngineFixture {
  let redis: Redis | undefined;
  const made: EngineFixture[] = [];
  beforeAll(() => {
    redis = testRedis();
  });
  afterEach(async () => {
    await Promise.all(made.splice(0).map((fixture) => fixture.close()));
  });
  afterAll(async () => {
    await redis?.quit();
  });
  return (options) => {
    if (!redis) throw new Error('fixturePerTest: make fixtures inside a test');
    const fixture = engineFixture(redis, options);
    made.push(fixture);
    return fixture;
  };
}

async function createPending(
  deps: StartDeps,
  plan: readonly PlanStep[],
  options: CreateOptions & { readonly sealRing: KeyRing },
): Promise<string> {
  const { id = nextVerificationId(), brand = 'Contoso', sealRing: ring } = options;
  const now = deps.now();
  const first = plan[0] as PlanStep;
  await deps.store.create(
    {
      id,
      client: 'acme',
      planMasked: plan.map((step) => ({ channel: step.channel, to: maskDestination(step.to) })),
      sealedPlan: sealPlan(ring, id, plan),
      sealedCode: sealWith(ring, TEST_CODE, { verificationId: id, field: 'code' }),
      codeHash: hashCode(ring.current.codeHmac, id, TEST_CODE),
      keyId: ring.current.id,
      codeLength: TEST_CODE.length,
      locale: 'en',
      brand,
      purpose: 'sign_in',
      accountRef: undefined,
      ttlSeconds: 600,
      createdAt: now,
      expiresAt: now + 600_000,
      maxAttempts: 5,
      channel: first.channel,
    },
    now,
  );
  return id;
}

/**
 * A logger that keeps every line, so a test can read what the workers would log. The processor
 * calls these four levels only; the rest of pino's interface is not needed.
 */
export function recordingLogger(lines: string[]): Logger {
  const record =
    (level: string) =>
    (...args: unknown[]) => {
      lines.push(`${level} ${JSON.stringify(args)}`);
    };
  return {
    debug: record('debug'),
    info: record('info'),
    warn: record('warn'),
    error: record('error'),
  } as unknown as Logger;
}
