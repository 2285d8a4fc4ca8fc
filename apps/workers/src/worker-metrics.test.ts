import { providerHealthConfig } from '@sendcode/engine';
import { DEFAULT_SETTINGS } from '@sendcode/policy';
import { createLogger } from '@sendcode/runtime';
import { openStores, type Stores } from '@sendcode/store';
import { testRedis, uniquePrefix } from '@sendcode/testing';
import { Registry } from 'prom-client';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { registerWorkerMetrics } from './worker-metrics.ts';

/** The workers' gauges over real stores on the run's Redis, read as Prometheus reads them. */

const logger = createLogger('test', 'silent');
const redis = testRedis();
afterAll(async () => {
  await redis.quit();
});
const opened: Stores[] = [];
afterEach(async () => {
  for (const stores of opened.splice(0)) {
    await Promise.all(stores.queues.all().map((queue) => queue.obliterate({ force: true })));
    await stores.queues.close();
  }
});

function metrics(exportQueueMetrics: boolean) {
  const stores = openStores(redis, uniquePrefix('wm'), { health: providerHealthConfig(DEFAULT_SETTINGS) });
  opened.push(stores);
  const registry = new Registry();
  registerWorkerMetrics(registry, {
    ...stores,
    rules: DEFAULT_SETTINGS.providerHealth,
    exportingQueueMetrics: exportQueueMetrics ? () => true : undefined,
    logger,
    now: Date.now,
  });
  /** The value of one series, undefined when the registry has no such sample. */
  const sample = async (name: string, labels: Record<string, string> = {}) => {
    const values = (await registry.getSingleMetric(name)?.get())?.values ?? [];
    const wanted = Object.entries(labels);
    return values.find((v) => wanted.every(([label, value]) => String(v.labels[label]) === value))?.value;
  };
  return { stores, registry, sample };
}

const job = (n: number) => ({ verificationId: `ver_${String(n).padStart(32, '0')}`, step: 0, send: 1 });

describe('registerWorkerMetrics', () => {
  it('reports each provider API’s circuit as Redis holds it: 1 while open, 0 while closed', async () => {
    const { stores, sample } = metrics(false);
    for (let i = 0; i < 5; i += 1) await stores.circuit.record('vonage:sms', 'failure', Date.now());
    expect(await sample('sendcode_provider_circuit_open', { provider: 'vonage', channel: 'sms' })).toBe(1);
    expect(await sample('sendcode_provider_circuit_open', { provider: 'twilio', channel: 'sms' })).toBe(0);
    expect(await sample('sendcode_provider_circuit_open', { provider: 'smtp', channel: 'email' })).toBe(0);
  });

  it('reports the providers’ delivery health: none demoted on a fresh store', async () => {
    const { sample } = metrics(false);
    expect(await sample('sendcode_provider_demoted', { provider: 'twilio', channel: 'sms' })).toBe(0);
  });

  it('the queue gauge reports the jobs waiting in each queue, and the receipts awaited', async () => {
    const { stores, sample } = metrics(true);
    await Promise.all([stores.queues.add('sms', job(1)), stores.queues.add('sms', job(2))]);
    await stores.queues.add('email', job(3));
    await stores.receiptDue.schedule(job(1), Date.now() + 60_000);

    expect(await sample('sendcode_queue_jobs', { queue: 'deliver-sms', state: 'waiting' })).toBe(2);
    expect(await sample('sendcode_queue_jobs', { queue: 'deliver-email', state: 'waiting' })).toBe(1);
    expect(await sample('sendcode_queue_jobs', { queue: 'deliver-voice', state: 'waiting' })).toBe(0);
    expect(
      await sample('sendcode_queue_oldest_waiting_seconds', { queue: 'deliver-sms' }),
    ).toBeGreaterThanOrEqual(0);
    expect(await sample('sendcode_receipts_awaited')).toBe(1);
  });

  it('a process that does not export queue metrics registers none (one per deployment does)', async () => {
    const { stores, registry } = metrics(false);
    await stores.queues.add('sms', job(1));
    expect(registry.getSingleMetric('sendcode_queue_jobs')).toBeUndefined();
    expect(registry.getSingleMetric('sendcode_receipts_awaited')).toBeUndefined();
    expect(registry.getSingleMetric('sendcode_provider_circuit_open')).toBeDefined();
  });
});
