import { createLogger } from '@sendcode/runtime';
import { createDeliveryQueues, createReceiptDue, type DeliveryQueues, queueShard } from '@sendcode/store';
import { freePort, testRedis, uniquePrefix } from '@sendcode/testing';
import { registerQueueMetrics, registerReceiptMetrics } from '@sendcode/workers';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const logger = createLogger('test', 'silent');

/** `name{labels} value` lines of one metric in the exposition text. */
async function samples(registry: Registry, name: string): Promise<Map<string, number>> {
  const text = await registry.getSingleMetricAsString(name);
  const lines = text.split('\n').filter((line) => line.startsWith(`${name}{`));
  return new Map(
    lines.map((line) => [line.slice(name.length, line.lastIndexOf(' ')), Number(line.split(' ').at(-1))]),
  );
}

/** The queue gauges of `queues`, scraped with the clock at `now`. */
async function scrape(queues: DeliveryQueues, now: number) {
  const registry = new Registry();
  registerQueueMetrics(
    registry,
    queues.all(),
    logger,
    () => true,
    () => now,
  );
  return {
    jobs: await samples(registry, 'sendcode_queue_jobs'),
    age: await samples(registry, 'sendcode_queue_oldest_waiting_seconds'),
  };
}

describe('queue depth and age of the oldest waiting job', () => {
  let redis: Redis;
  let queues: DeliveryQueues;
  beforeAll(() => {
    redis = testRedis();
    queues = createDeliveryQueues(redis, uniquePrefix('qm'));
  });
  afterAll(async () => {
    await Promise.all(queues.all().map((queue) => queue.obliterate({ force: true })));
    await queues.close();
    await redis.quit();
  });

  it('counts jobs per queue and state, and ages the oldest waiting job, not the newest', async () => {
    await queues.add('sms', { verificationId: 'ver_a', step: 0, send: 1 });
    const first = await queues.queue('sms').getJob('ver_a-0-1');
    await new Promise((resolve) => setTimeout(resolve, 20));
    await queues.add('sms', { verificationId: 'ver_b', step: 0, send: 1 });
    await queues
      .queue('voice')
      .add('deliver-voice', { verificationId: 'ver_c', step: 0, send: 1 }, { delay: 60_000 });
    if (!first) throw new Error('job not found');

    const { jobs, age } = await scrape(queues, first.timestamp + 90_000);
    expect(jobs.get('{queue="deliver-sms",state="waiting"}')).toBe(2);
    expect(jobs.get('{queue="deliver-sms",state="active"}')).toBe(0);
    expect(jobs.get('{queue="deliver-voice",state="delayed"}')).toBe(1);
    expect(jobs.get('{queue="deliver-email",state="waiting"}')).toBe(0);
    expect(age.get('{queue="deliver-sms"}')).toBe(90);
    expect(age.get('{queue="deliver-email"}')).toBe(0);
    // A delayed job (a retry's backoff) is not waiting yet: it does not count as old.
    expect(age.get('{queue="deliver-voice"}')).toBe(0);
  });

  it('a Redis that does not answer leaves the queue series out instead of hanging the scrape', async () => {
    const dead = new Redis(`redis://127.0.0.1:${await freePort()}`, { maxRetriesPerRequest: null });
    dead.on('error', () => undefined);
    const orphans = createDeliveryQueues(dead, uniquePrefix('qm-dead'));
    for (const queue of orphans.all()) queue.on('error', () => undefined);
    const registry = new Registry();
    registerQueueMetrics(registry, orphans.all(), logger);
    const started = Date.now();
    const text = await registry.metrics();
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(text).not.toMatch(/^sendcode_queue_jobs\{/m);
    dead.disconnect();
  });

  it('labels carry queue names and states only: never ids', async () => {
    const registry = new Registry();
    registerQueueMetrics(registry, queues.all(), logger);
    expect(await registry.metrics()).not.toMatch(/ver_/);
  });
});

describe('queue metrics over the shards of a queue', () => {
  it('sums the depth of every shard and ages the oldest job of any, under the queue name', async () => {
    const redis = testRedis();
    const queues = createDeliveryQueues(redis, uniquePrefix('qm-shards'), { shards: 4 });
    try {
      const ids = Array.from({ length: 40 }, (_, i) => `ver_${i}`);
      const first = ids.find((id) => queueShard(id, 4) === 1) ?? '';
      const later = ids.filter((id) => queueShard(id, 4) !== 1).slice(0, 3);
      await queues.add('sms', { verificationId: first, step: 0, send: 1 });
      const job = await queues.queue('sms', 1).getJob(`${first}-0-1`);
      for (const id of later) await queues.add('sms', { verificationId: id, step: 0, send: 1 });
      if (!job) throw new Error('job not found');
      const { jobs, age } = await scrape(queues, job.timestamp + 30_000);
      expect(jobs.get('{queue="deliver-sms",state="waiting"}')).toBe(4);
      expect(jobs.get('{queue="deliver-email",state="waiting"}')).toBe(0);
      expect(age.get('{queue="deliver-sms"}')).toBe(30);
    } finally {
      await Promise.all(queues.all().map((queue) => queue.obliterate({ force: true })));
      await queues.close();
      await redis.quit();
    }
  });
});

describe('sends awaiting a receipt', () => {
  it("counts the entries of the receipt timeouts' due set, due or not", async () => {
    const redis = testRedis();
    const due = createReceiptDue({ redis, prefix: uniquePrefix('qm-rd') });
    const registry = new Registry();
    registerReceiptMetrics(registry, due, logger);
    expect(await registry.getSingleMetricAsString('sendcode_receipts_awaited')).toMatch(
      /^sendcode_receipts_awaited 0$/m,
    );
    await due.schedule({ verificationId: 'ver_a', step: 0, send: 1 }, Date.now() - 1_000);
    await due.schedule({ verificationId: 'ver_b', step: 1, send: 2 }, Date.now() + 60_000);
    expect(await registry.getSingleMetricAsString('sendcode_receipts_awaited')).toMatch(
      /^sendcode_receipts_awaited 2$/m,
    );
    await redis.quit();
  });

  it('a Redis that does not answer leaves the series out instead of hanging the scrape', async () => {
    const registry = new Registry();
    registerReceiptMetrics(registry, { size: () => new Promise<number>(() => undefined) }, logger);
    const started = Date.now();
    const text = await registry.metrics();
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(text).not.toMatch(/^sendcode_receipts_awaited /m);
  });
});
