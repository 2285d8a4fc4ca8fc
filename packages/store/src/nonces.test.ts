import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testRedis, uniquePrefix } from '../../../test/helpers/redis.ts';
import { createNonceStore, type NonceStore, nonceKey } from './nonces.ts';

let redis: Redis;
let nonces: NonceStore;
let prefix: string;

beforeAll(() => {
  redis = testRedis();
  prefix = uniquePrefix('nonces');
  nonces = createNonceStore({ redis, prefix });
});

afterAll(async () => {
  await redis.quit();
});

describe('nonces', () => {
  it('claims a nonce once per scope, until released', async () => {
    expect(await nonces.claim('twilio', 'sig-1', 300)).toBe(true);
    expect(await nonces.claim('twilio', 'sig-1', 300)).toBe(false);
    expect(await nonces.claim('vonage', 'sig-1', 300)).toBe(true);
    await nonces.release('twilio', 'sig-1');
    expect(await nonces.claim('twilio', 'sig-1', 300)).toBe(true);
  });

  it('gives exactly one of concurrent claims', async () => {
    const claims = await Promise.all(Array.from({ length: 10 }, () => nonces.claim('twilio', 'sig-2', 300)));
    expect(claims.filter(Boolean)).toHaveLength(1);
  });

  it('stores a hash of the nonce with the TTL asked for', async () => {
    const long = 'x'.repeat(10_000);
    await nonces.claim('vonage', long, 120);
    const key = nonceKey(prefix, 'vonage', long);
    expect(key).toMatch(new RegExp(`^${prefix}:n:vonage:[0-9a-f]{64}$`));
    const ttl = await redis.ttl(key);
    expect(ttl).toBeGreaterThan(115);
    expect(ttl).toBeLessThanOrEqual(120);
  });

  it('refuses an empty nonce or a TTL that is not a positive integer', async () => {
    await expect(nonces.claim('twilio', '', 300)).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(nonces.claim('twilio', 'sig-3', 0)).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(nonces.claim('twilio', 'sig-3', 1.5)).rejects.toMatchObject({ code: 'invalid_argument' });
  });
});
