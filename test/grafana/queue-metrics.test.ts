import { createLogger } from '@sendcode/runtime';
import { createDeliveryQueues, type DeliveryQueues } from '@sendcode/store';
import { registerQueueMetrics } from '@sendcode/workers';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testRedis, uniquePrefix } from '../helpers/redis.ts';
import { freePort } from '../helpers/redis-server.ts';

const logger = createLogger('test', 'silent');

/** `name{labels} value` lines of one metric in the exposition text. */
async function samples(registry: Registry, name: string): Promise<Map<string, number>> {
  const text = await registry.getSingleMetricAsString(name);
  const lines = text.split('\n').filter((line) => line.startsWith(`${name}{`));
  return new Map(
    lines.map((line) => [line.slice(name.length, line.lastIndexOf(' ')), Number(line.split(' ').at(-1))]),
  );
}

describe('queue depth and age of the oldest waiting job', () => {
  let redis: Redis;
  let queues: DeliveryQueues;
  beforeAll(() => {
    redis = testRedis();
    queues = createDeliveryQueues(redis, uniquePrefix('qm'));
  });
  afterAll(async () => {
    await Promise.all(Object.values(queues.queues).map((queue) => queue.obliterate({ force: true })));
    await queues.close();
    await redis.quit();
  });

  it('counts jobs per queue and state, and ages the oldest waiting job, not the newest', async () => {
    await queues.add('sms', { verificationId: 'ver_a', step: 0, send: 1 });
    const first = await queues.queues.sms.getJob('ver_a-0-1');
    await new Promise((resolve) => setTimeout(resolve, 20));
    await queues.add('sms', { verificationId: 'ver_b', step: 0, send: 1 });
    await queues.addReceiptTimeout({ verificationId: 'ver_a', step: 0, send: 1 }, 60_000);
    if (!first) throw new Error('job not found');

    const registry = new Registry();
    const now = first.timestamp + 90_000;
    registerQueueMetrics(registry, Object.values(queues.queues), logger, () => now);

    const jobs = await samples(registry, 'sendcode_queue_jobs');
    expect(jobs.get('{queue="deliver-sms",state="waiting"}')).toBe(2);
    expect(jobs.get('{queue="deliver-sms",state="active"}')).toBe(0);
    expect(jobs.get('{queue="receipt-timeouts",state="delayed"}')).toBe(1);
    expect(jobs.get('{queue="deliver-email",state="waiting"}')).toBe(0);
    const age = await samples(registry, 'sendcode_queue_oldest_waiting_seconds');
    expect(age.get('{queue="deliver-sms"}')).toBe(90);
    expect(age.get('{queue="deliver-email"}')).toBe(0);
    // A delayed job is not waiting yet: it does not count as old.
    expect(age.get('{queue="receipt-timeouts"}')).toBe(0);
  });

  it('a Redis that does not answer leaves the queue series out instead of hanging the scrape', async () => {
    const dead = new Redis(`redis://127.0.0.1:${await freePort()}`, { maxRetriesPerRequest: null });
    dead.on('error', () => undefined);
    const orphans = createDeliveryQueues(dead, uniquePrefix('qm-dead'));
    for (const queue of Object.values(orphans.queues)) queue.on('error', () => undefined);
    const registry = new Registry();
    registerQueueMetrics(registry, Object.values(orphans.queues), logger);
    const started = Date.now();
    const text = await registry.metrics();
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(text).not.toMatch(/^sendcode_queue_jobs\{/m);
    dead.disconnect();
  });

  it('labels carry queue names and states only: never ids', async () => {
    const registry = new Registry();
    registerQueueMetrics(registry, Object.values(queues.queues), logger);
    expect(await registry.metrics()).not.toMatch(/ver_/);
  });
});
