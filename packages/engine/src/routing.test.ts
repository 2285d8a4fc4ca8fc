import { DEFAULT_SETTINGS, type ProviderName } from '@sendcode/policy';
import { createLogger } from '@sendcode/runtime';
import { createProviderHealth, type ProviderHealth } from '@sendcode/store';
import { testRedis, uniquePrefix } from '@sendcode/testing';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providerHealthConfig } from './config.ts';
import { createProviderRouting } from './routing.ts';

/**
 * Routing by delivery health over real Redis: two routing instances stand for two worker processes
 * sharing one Redis; the clock is the test's, so the cache and the cooldown are stepped, not waited.
 */

const RULES = DEFAULT_SETTINGS.providerHealth;
const PROVIDERS: readonly ProviderName[] = ['twilio', 'vonage'];
const T0 = Date.UTC(2025, 0, 1);
const logger = createLogger('test', 'silent');

let redis: Redis;
beforeAll(() => {
  redis = testRedis();
});
afterAll(async () => {
  await redis.quit();
});

function setup() {
  const health = createProviderHealth({
    redis,
    prefix: uniquePrefix('route'),
    ...providerHealthConfig(DEFAULT_SETTINGS),
  });
  const clock = { now: T0 };
  let draw = 0.5;
  const routing = (over: Partial<{ health: ProviderHealth; cacheMs: number }> = {}) =>
    createProviderRouting({
      health: over.health ?? health,
      rules: RULES,
      logger,
      now: () => clock.now,
      random: () => draw,
      cacheMs: over.cacheMs ?? 1_000,
    });
  const count = async (provider: ProviderName, outcome: 'delivered' | 'no_receipt', times: number) => {
    for (let i = 0; i < times; i += 1) await health.record(`${provider}:sms`, outcome, clock.now, 2_000);
  };
  const setDraw = (value: number) => {
    draw = value;
  };
  return { health, clock, routing, count, setDraw };
}

describe('provider routing (engine, real Redis)', () => {
  it('orders by the configured order until a provider fails, then routes around it', async () => {
    const { clock, routing, count } = setup();
    const one = routing();
    expect(await one.order('sms', PROVIDERS)).toEqual({ kind: 'configured', order: ['twilio', 'vonage'] });
    await count('twilio', 'no_receipt', 30);
    // Within the cache the states read stand; after it, a fresh read runs behind the send.
    clock.now += 999;
    expect((await one.order('sms', PROVIDERS)).kind).toBe('configured');
    clock.now += 1;
    await one.order('sms', PROVIDERS);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await one.order('sms', PROVIDERS)).toEqual({
      kind: 'routed',
      order: ['vonage', 'twilio'],
      around: ['twilio'],
    });
  });

  it('stores a move once, and every process routes by it', async () => {
    const { health, clock, routing, count } = setup();
    await count('twilio', 'no_receipt', 30);
    const [a, b] = [routing(), routing()];
    const [first, second] = await Promise.all([a.order('sms', PROVIDERS), b.order('sms', PROVIDERS)]);
    expect(first.kind).toBe('routed');
    expect(second.kind).toBe('routed');
    const stored = (await health.read(['twilio:sms']))['twilio:sms'];
    expect(stored).toMatchObject({ route: { state: 'demoted', since: clock.now }, version: 1 });
    // A third process that never judged the counts reads the stored state.
    expect((await routing().order('sms', PROVIDERS)).kind).toBe('routed');
  });

  it('gives a demoted provider its probe share', async () => {
    const { routing, count, setDraw } = setup();
    await count('twilio', 'no_receipt', 30);
    const one = routing();
    setDraw(0.01);
    expect(await one.order('sms', PROVIDERS)).toEqual({
      kind: 'probe',
      order: ['twilio', 'vonage'],
      probe: 'twilio',
    });
  });

  it('never fails a send over its health: a read that fails leaves the configured order', async () => {
    const { health, routing } = setup();
    const broken: ProviderHealth = { ...health, read: () => Promise.reject(new Error('redis is away')) };
    expect(await routing({ health: broken }).order('sms', PROVIDERS)).toEqual({
      kind: 'configured',
      order: ['twilio', 'vonage'],
    });
  });

  it('reads nothing for a channel with one provider', async () => {
    const { health, routing } = setup();
    let reads = 0;
    const counting: ProviderHealth = {
      ...health,
      read: (apis) => {
        reads += 1;
        return health.read(apis);
      },
    };
    expect(await routing({ health: counting }).order('email', ['smtp'])).toEqual({
      kind: 'configured',
      order: ['smtp'],
    });
    expect(reads).toBe(0);
  });
});
