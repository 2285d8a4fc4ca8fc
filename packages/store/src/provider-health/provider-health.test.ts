import { testRedis, uniquePrefix } from '@sendcode/testing';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { T0, watchKey } from '../core/test-support.ts';
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

  it('counts outcomes recorded while a write is on its way in one write after it, each counted once', async () => {
    const { health: h, prefix } = health();
    const key = providerHealthKey(prefix, 'twilio:sms');
    const watch = await watchKey(redis, key);
    const first = h.record('twilio:sms', 'delivered', T0, 100);
    await new Promise((resolve) => setImmediate(resolve)); // its write is on its way
    // 30 more, over two buckets: one write carries them all.
    const rest = Array.from({ length: 30 }, (_, i) =>
      h.record('twilio:sms', i % 3 === 0 ? 'failed' : 'delivered', T0 + 1 + i * 500, 10),
    );
    await Promise.all([first, ...rest]);
    // Another API is counted on its own.
    await h.record('vonage:sms', 'no_receipt', T0);
    const writes = (await watch.stop()).filter(([name]) => name === 'hincrby');
    expect((await h.read(['twilio:sms']))['twilio:sms'].buckets).toEqual([
      { start: T0, delivered: 14, failed: 7, noReceipt: 0, latencyMs: 100 + 13 * 10 },
      { start: T0 + BUCKET, delivered: 7, failed: 3, noReceipt: 0, latencyMs: 70 },
    ]);
    // The first write's two fields (d and l), then one HINCRBY per field of the second (d, l and f
    // of two buckets): one call per field however many outcomes it counts.
    expect(writes).toHaveLength(2 + 6);
    expect((await h.read(['vonage:sms']))['vonage:sms'].buckets).toMatchObject([{ noReceipt: 1 }]);
  });

  it('refuses a latency that is not finite, and counts the next outcome', async () => {
    const { health: h } = health();
    await expect(h.record('twilio:sms', 'delivered', T0, Number.NaN)).rejects.toMatchObject({
      code: 'invalid_argument',
    });
    await h.record('twilio:sms', 'delivered', T0);
    expect((await h.read(['twilio:sms']))['twilio:sms'].buckets).toMatchObject([{ delivered: 1 }]);
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
