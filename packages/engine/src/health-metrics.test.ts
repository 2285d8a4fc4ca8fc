import { DEFAULT_SETTINGS } from '@sendcode/policy';
import { createLogger } from '@sendcode/runtime';
import { createProviderHealth, type ProviderHealth } from '@sendcode/store';
import { testRedis, uniquePrefix } from '@sendcode/testing';
import type { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providerHealthConfig } from './config.ts';
import { registerProviderHealthMetrics } from './health-metrics.ts';

const RULES = DEFAULT_SETTINGS.providerHealth;
const logger = createLogger('test', 'silent');

let redis: Redis;
beforeAll(() => {
  redis = testRedis();
});
afterAll(async () => {
  await redis.quit();
});

describe('provider health metrics', () => {
  it('export the ratio and latency of providers with outcomes, and every provider API’s routing state', async () => {
    const health = createProviderHealth({
      redis,
      prefix: uniquePrefix('phm'),
      ...providerHealthConfig(DEFAULT_SETTINGS),
    });
    const now = Date.now();
    for (let i = 0; i < 3; i += 1) await health.record('twilio:sms', 'delivered', now, 1_500);
    await health.record('twilio:sms', 'no_receipt', now);
    await health.setRoute('vonage:voice', 0, { state: 'demoted', since: now });
    const registry = new Registry();
    registerProviderHealthMetrics(registry, health, RULES, logger, Date.now);
    const text = await registry.metrics();
    expect(text).toMatch(/^sendcode_provider_delivery_ratio\{provider="twilio",channel="sms"\} 0\.75$/m);
    expect(text).not.toMatch(/^sendcode_provider_delivery_ratio\{provider="vonage"/m);
    expect(text).toMatch(
      /^sendcode_provider_receipt_latency_seconds\{provider="twilio",channel="sms"\} 1\.5$/m,
    );
    expect(text).toMatch(/^sendcode_provider_demoted\{provider="twilio",channel="sms"\} 0$/m);
    expect(text).toMatch(/^sendcode_provider_demoted\{provider="vonage",channel="voice"\} 1$/m);
    expect(text.match(/^sendcode_provider_demoted\{/gm)).toHaveLength(4);
  });

  it('a Redis that does not answer leaves the series out instead of hanging the scrape', async () => {
    const silent = { read: () => new Promise(() => undefined) } as unknown as ProviderHealth;
    const registry = new Registry();
    registerProviderHealthMetrics(registry, silent, RULES, logger, Date.now);
    const started = Date.now();
    const text = await registry.metrics();
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(text).not.toMatch(/^sendcode_provider_(delivery_ratio|demoted)\{/m);
  });
});
