import { testRedis, uniquePrefix } from '@sendcode/testing';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { T0 } from '../core/test-support.ts';
import { createProviderHealth, type ProviderHealth, providerHealthKey } from './provider-health.ts';

const BUCKET = 10_000;
const KEEP = 310_000;
const TTL = 900_000;

let redis: Redis;
beforeAll(() => {
  redis = testRedis();
});
afterAll(async () => {
  await redis.quit();
});

function health(): { health: ProviderHealth; prefix: string } {
  const prefix = uniquePrefix('ph');
  return {
    health: createProviderHealth({ redis, prefix, bucketMs: BUCKET, keepMs: KEEP, ttlMs: TTL }),
    prefix,
  };
}

describe('provider health', () => {
  it('counts outcomes per provider API in time buckets, with the delivered latency', async () => {
    const { health: h } = health();
    await h.record('twilio:sms', 'delivered', T0 + 1, 2_000);
    await h.record('twilio:sms', 'delivered', T0 + 9_999, 3_000.4);
    await h.record('twilio:sms', 'failed', T0 + 5);
    await h.record('twilio:sms', 'no_receipt', T0 + 10_000);
    await h.record('vonage:sms', 'delivered', T0);
    const read = await h.read(['twilio:sms', 'vonage:sms', 'twilio:voice']);
    expect(read['twilio:sms']).toEqual({
      buckets: [
        { start: T0, delivered: 2, failed: 1, noReceipt: 0, latencyMs: 5_000 },
        { start: T0 + 10_000, delivered: 0, failed: 0, noReceipt: 1, latencyMs: 0 },
      ],
      route: { state: 'healthy' },
      version: 0,
    });
    expect(read['vonage:sms'].buckets).toHaveLength(1);
    expect(read['twilio:voice']).toEqual({ buckets: [], route: { state: 'healthy' }, version: 0 });
  });

  it('drops buckets once they are older than kept, and expires the hash without outcomes', async () => {
    const { health: h, prefix } = health();
    await h.record('twilio:sms', 'delivered', T0);
    await h.record('twilio:sms', 'no_receipt', T0 + 300_000);
    expect((await h.read(['twilio:sms']))['twilio:sms'].buckets.map((b) => b.start)).toEqual([
      T0,
      T0 + 300_000,
    ]);
    await h.record('twilio:sms', 'no_receipt', T0 + KEEP + 1);
    expect((await h.read(['twilio:sms']))['twilio:sms'].buckets.map((b) => b.start)).toEqual([
      T0 + 300_000,
      T0 + 310_000,
    ]);
    const ttl = await redis.pttl(providerHealthKey(prefix, 'twilio:sms'));
    expect(ttl).toBeGreaterThan(TTL - 5_000);
    expect(ttl).toBeLessThanOrEqual(TTL);
  });

  it('stores the routing state by compare-and-set on its version', async () => {
    const { health: h } = health();
    await h.record('twilio:sms', 'no_receipt', T0);
    expect(await h.setRoute('twilio:sms', 0, { state: 'demoted', since: T0 })).toBe(true);
    // A second process that read version 0 too writes nothing.
    expect(await h.setRoute('twilio:sms', 0, { state: 'demoted', since: T0 + 5 })).toBe(false);
    const read = (await h.read(['twilio:sms']))['twilio:sms'];
    expect(read).toMatchObject({ route: { state: 'demoted', since: T0 }, version: 1 });
    expect(read.buckets).toHaveLength(1);
    expect(await h.setRoute('twilio:sms', 1, { state: 'recovering', since: T0 + 1 })).toBe(true);
    expect(await h.setRoute('twilio:sms', 2, { state: 'healthy' })).toBe(true);
    expect((await h.read(['twilio:sms']))['twilio:sms']).toMatchObject({
      route: { state: 'healthy' },
      version: 3,
    });
  });

  it('refuses a stored state it does not know', async () => {
    const { health: h, prefix } = health();
    await redis.hset(providerHealthKey(prefix, 'twilio:sms'), 'state', 'sulking', 'since', '1');
    await expect(h.read(['twilio:sms'])).rejects.toMatchObject({ code: 'malformed_health' });
  });
});
