import { type Channel, type Delivery, DeliveryError } from '@sendcode/channels';
import {
  type ChannelSet,
  createEngineMetrics,
  engineConfig,
  providerHealthConfig,
  type StartDeps,
  startVerification,
} from '@sendcode/engine';
import { type ChannelName, createKeyRing, type ProviderName } from '@sendcode/policy';
import { createLogger, parseEnv } from '@sendcode/runtime';
import { openStores, queuePrefix, queueShard, type Stores } from '@sendcode/store';
import { eventually, freePort, testRedis, testRedisUrl, uniquePrefix } from '@sendcode/testing';
import type { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type WorkersEnv, workersEnv } from './config.ts';
import { type RunningWorkers, startWorkers } from './workers.ts';

/**
 * `startWorkers` against the run's Redis, with adapters written here injected in place of the
 * providers' (real objects implementing the Channel contract, no sandbox): it takes the jobs a start
 * queues, serves its metrics, and shuts down without leaving a connection open.
 */

const PHONE = '+819012345678';
const SECRET = 'w'.repeat(32);
const logger = createLogger('test', 'silent');

/** What a fake adapter answers a call: accept, or throw a DeliveryError of that kind. */
type Answer = 'accept' | 'retryable' | 'rate_limited';

/**
 * An adapter answering its calls from `answers` in turn (the last one again once they run out),
 * after `hold` when given; it remembers its calls and when each came.
 */
function fakeChannel<C extends ChannelName>(
  channel: C,
  provider: ProviderName,
  answers: readonly Answer[] = ['accept'],
  hold?: Promise<void>,
) {
  const calls: Delivery<C>[] = [];
  const at: number[] = [];
  let closed = 0;
  const adapter: Channel<C> = {
    channel,
    provider,
    async send(delivery) {
      calls.push(delivery);
      at.push(Date.now());
      await hold;
      const answer = answers[Math.min(calls.length, answers.length) - 1] ?? 'accept';
      if (answer !== 'accept') throw new DeliveryError(answer, provider, `provider answered ${answer}`);
      return { providerMessageId: `${provider}-${calls.length}` };
    },
    async close() {
      closed += 1;
    },
  };
  return { adapter, calls, at, closed: () => closed };
}

let redis: Redis;
beforeAll(async () => {
  redis = testRedis();
  await redis.ping();
});
afterAll(async () => {
  await redis.quit();
});

interface Started {
  readonly workers: RunningWorkers;
  readonly config: WorkersEnv;
  /** The gateway's side of the same deployment: its stores, and a start as the gateway makes one. */
  readonly stores: Stores;
  start(to: string): Promise<string>;
}
const running: Started[] = [];
afterEach(async () => {
  for (const { workers, stores } of running.splice(0)) {
    await workers.close();
    await Promise.all(stores.queues.all().map((queue) => queue.obliterate({ force: true })));
    await stores.queues.close();
  }
});

/** `gatewayShards`: the gateway side's QUEUE_SHARDS, the workers' by default; its stores open first. */
async function start(
  channels: Partial<ChannelSet>,
  env: Record<string, string> = {},
  gatewayShards?: number,
): Promise<Started> {
  const config = parseEnv(workersEnv, {
    REDIS_URL: testRedisUrl(),
    SENDCODE_SECRET: SECRET,
    SENDCODE_PREFIX: uniquePrefix('workers'),
    WORKERS_METRICS_PORT: '0',
    ...env,
  });
  const set = { email: [], sms: [], voice: [], ...channels };
  const engine = engineConfig(config);
  const stores = openStores(redis, config.SENDCODE_PREFIX, {
    health: providerHealthConfig(engine.settings),
    queueShards: gatewayShards ?? config.QUEUE_SHARDS,
  });
  // Each queue writes its meta key (what tells workers a shard is in use) once connected, on `redis`:
  // a round trip after that has it written before the workers look.
  await Promise.all(stores.queues.all().map((queue) => queue.waitUntilReady()));
  await redis.ping();
  const workers = await startWorkers(config, logger, { channels: set });
  const deps: StartDeps = {
    ...stores,
    config: engine,
    ring: createKeyRing(SECRET),
    metrics: createEngineMetrics(new Registry()),
    logger,
    now: Date.now,
    defaults: { codeLength: 6, ttlSeconds: 600, maxAttempts: 5, brand: 'Sendcode' },
  };
  const started: Started = {
    workers,
    config,
    stores,
    async start(to) {
      const result = await startVerification(deps, 'acme', { to });
      if (!result.ok) throw new Error(`start refused: ${result.reason}`);
      return result.record.id;
    },
  };
  running.push(started);
  return started;
}

const metricsOf = async (workers: RunningWorkers) => (await fetch(`${workers.url}/metrics`)).text();
const sendStatuses = async (stores: Stores, id: string) =>
  (await stores.store.sends(id)).map((s) => s.status);
/** Sockets this process holds open (Redis connections, listening servers). */
const sockets = () =>
  process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap' || r === 'TCPServerWrap').length;

describe('startWorkers', () => {
  it('starts: healthy, with its metrics on its own server', async () => {
    const { workers } = await start({ sms: [fakeChannel('sms', 'twilio').adapter] });
    const health = await fetch(`${workers.url}/healthz`);
    expect([health.status, await health.json()]).toEqual([200, { status: 'ok' }]);
    const text = await metricsOf(workers);
    expect(text).toContain('sendcode_provider_circuit_open{provider="twilio",channel="sms"} 0');
    expect(text).toContain('sendcode_queue_jobs{queue="deliver-sms",state="waiting"} 0');
    expect(text).toContain('process_cpu_seconds_total');
  });

  it('takes the job a start queues and sends the code with the injected adapter', async () => {
    const sms = fakeChannel('sms', 'twilio');
    const { workers, stores, start: begin } = await start({ sms: [sms.adapter] });
    const id = await begin(PHONE);

    expect(
      await eventually(
        () => sendStatuses(stores, id),
        (s) => s[0] === 'accepted',
      ),
    ).toEqual(['accepted']);
    expect(sms.calls.map((d) => d.to)).toEqual([PHONE]);
    expect(sms.calls[0]?.message.text).toMatch(/\d{6}/);
    expect(await metricsOf(workers)).toContain(
      'sendcode_send_attempts_total{channel="sms",provider="twilio",result="ok"} 1',
    );
  });

  it('with QUEUE_SHARDS=4, sends spread over the shards and every one is delivered', async () => {
    const sms = fakeChannel('sms', 'twilio');
    const { stores, start: begin } = await start({ sms: [sms.adapter] }, { QUEUE_SHARDS: '4' });
    const ids = await Promise.all(Array.from({ length: 12 }, (_, i) => begin(`+8190123450${10 + i}`)));
    const shards = ids.map((id) => queueShard(id, 4));
    expect(new Set(shards).size).toBeGreaterThan(1);
    await eventually(
      async () => Promise.all(ids.map(async (id) => (await sendStatuses(stores, id))[0])),
      (statuses) => statuses.every((status) => status === 'accepted'),
    );
    expect(sms.calls).toHaveLength(12);
    // Each job went through its own shard: BullMQ's event stream there names it.
    for (const [i, id] of ids.entries()) {
      const events = await redis.xrange(
        `${queuePrefix(stores.prefix, shards[i])}:deliver-sms:events`,
        '-',
        '+',
      );
      expect(events.some(([, fields]) => fields.includes(`${id}-0-1`))).toBe(true);
    }
  });

  it('workers on four shards take a job waiting at the unsharded keys (shard 0), as an older gateway adds it', async () => {
    const sms = fakeChannel('sms', 'twilio');
    const { stores, start: begin } = await start({ sms: [sms.adapter] }, { QUEUE_SHARDS: '4' }, 1);
    const id = await begin(PHONE);
    await eventually(
      () => sendStatuses(stores, id),
      (s) => s[0] === 'accepted',
    );
    const events = await redis.xrange(`${queuePrefix(stores.prefix, 0)}:deliver-sms:events`, '-', '+');
    expect(events.some(([, fields]) => fields.includes(`${id}-0-1`))).toBe(true);
  });

  it('workers with QUEUE_SHARDS=1 still consume the higher shards a 4-shard gateway used', async () => {
    const sms = fakeChannel('sms', 'twilio');
    const { stores, start: begin } = await start({ sms: [sms.adapter] }, { QUEUE_SHARDS: '1' }, 4);
    const ids = await Promise.all(Array.from({ length: 8 }, (_, i) => begin(`+8190123451${10 + i}`)));
    expect(ids.some((id) => queueShard(id, 4) > 0)).toBe(true);
    await eventually(
      async () => Promise.all(ids.map(async (id) => (await sendStatuses(stores, id))[0])),
      (statuses) => statuses.every((status) => status === 'accepted'),
    );
  });

  it('a failing provider is passed over for the next, as configured, and counted', async () => {
    const down = fakeChannel('sms', 'twilio', ['retryable']);
    const up = fakeChannel('sms', 'vonage');
    const { workers, stores, start: begin } = await start({ sms: [down.adapter, up.adapter] });
    const id = await begin(PHONE);

    await eventually(
      () => sendStatuses(stores, id),
      (s) => s[0] === 'accepted',
    );
    expect([down.calls.length, up.calls.length]).toEqual([1, 1]);
    const text = await metricsOf(workers);
    expect(text).toContain(
      'sendcode_send_attempts_total{channel="sms",provider="twilio",result="retryable_error"} 1',
    );
    expect(text).toContain('sendcode_send_attempts_total{channel="sms",provider="vonage",result="ok"} 1');
  });

  it('every provider answering "slow down" pauses the channel’s queue a second, without spending an attempt', async () => {
    const sms = fakeChannel('sms', 'twilio', ['rate_limited', 'accept']);
    const { stores, start: begin } = await start({ sms: [sms.adapter] });
    const id = await begin(PHONE);

    await eventually(
      () => sendStatuses(stores, id),
      (s) => s[0] === 'accepted',
    );
    const [first = 0, second = 0] = sms.at;
    expect(second - first).toBeGreaterThanOrEqual(900);
    const sent = (await stores.store.timeline(id)).find((e) => e.type === 'sent');
    expect(sent?.detail).toMatchObject({ attempt: 1 });
  });

  it('a process that does not export queue metrics leaves them to the one that does', async () => {
    const { workers } = await start({}, { WORKERS_EXPORT_QUEUE_METRICS: 'false' });
    const text = await metricsOf(workers);
    expect(text).not.toContain('sendcode_queue_jobs');
    expect(text).toContain('sendcode_provider_circuit_open');
  });

  it('of several processes, the one holding the lease exports the queue metrics; on its close another takes over', async () => {
    const prefix = uniquePrefix('workers');
    const first = await start({}, { SENDCODE_PREFIX: prefix });
    const second = await start({}, { SENDCODE_PREFIX: prefix });
    const exporting = async () =>
      await Promise.all(
        [first, second].map(async ({ workers }) =>
          (await metricsOf(workers)).includes('sendcode_queue_jobs{'),
        ),
      );
    expect(await eventually(exporting, (e) => e.filter(Boolean).length === 1)).toHaveLength(2);
    expect((await exporting()).filter(Boolean)).toHaveLength(1);
    const [holder, other] = (await exporting())[0] ? [first, second] : [second, first];
    running.splice(running.indexOf(holder), 1);
    await holder.workers.close();
    await holder.stores.queues.close();
    // The holder gave the lease back on close: the other takes it at its next renewal (5 s).
    expect(
      await eventually(
        async () => (await metricsOf(other.workers)).includes('sendcode_queue_jobs{'),
        Boolean,
      ),
    ).toBe(true);
  });

  it('shuts down gracefully: the active send finishes, then the adapters and every connection close', async () => {
    const before = sockets();
    let release = () => {};
    const hold = new Promise<void>((resolve) => {
      release = resolve;
    });
    const sms = fakeChannel('sms', 'twilio', ['accept'], hold);
    const email = fakeChannel('email', 'smtp');
    const started = await start({ sms: [sms.adapter], email: [email.adapter] });
    const { workers, stores } = started;
    running.splice(running.indexOf(started), 1);
    try {
      const id = await started.start(PHONE);
      await eventually(
        async () => sms.calls.length,
        (n) => n === 1,
      );

      let closed = false;
      const closing = workers.close().then(() => {
        closed = true;
      });
      expect(workers.close()).toBe(workers.close());
      await new Promise((resolve) => setTimeout(resolve, 300));
      // Still waiting for the send in flight; the metrics server has stopped taking scrapes.
      expect(closed).toBe(false);
      await expect(fetch(`${workers.url}/metrics`)).rejects.toThrow();
      release();
      await closing;

      expect(await sendStatuses(stores, id)).toEqual(['accepted']);
      expect([sms.closed(), email.closed()]).toEqual([1, 1]);
      expect(
        await eventually(
          async () => sockets(),
          (n) => n <= before,
          5_000,
        ),
      ).toBeLessThanOrEqual(before);
    } finally {
      release();
      await workers.close();
      await stores.queues.close();
    }
  });
});

it('closes at once when Redis is away (a stop must not wait out the kill)', async () => {
  const nobody = await freePort();
  const config = parseEnv(workersEnv, {
    REDIS_URL: `redis://127.0.0.1:${nobody}`,
    SENDCODE_SECRET: SECRET,
    WORKERS_METRICS_PORT: '0',
  });
  const workers = await startWorkers(config, logger);
  // Long enough for the sweeper and the reconciler to be waiting on a command of their own.
  await new Promise((resolve) => setTimeout(resolve, 2_500));
  const started = Date.now();
  await workers.close();
  expect(Date.now() - started).toBeLessThan(2_000);
}, 20_000);
