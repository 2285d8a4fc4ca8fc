import { testRedis, uniquePrefix } from '@sendcode/testing';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sleep, slotPart, T0 } from '../core/test-support.ts';
import { createPrefixGuard, type PrefixGuard, type PrefixRule, prefixGuardKeys } from './prefix-guard.ts';

const RULE: PrefixRule = {
  minSends: 10,
  threshold: 0.2,
  windowMs: 60_000,
  blockMs: 300_000,
  clientsToSuspendAll: 3,
};

let redis: Redis;
let prefix: string;
let guard: PrefixGuard;

beforeAll(() => {
  redis = testRedis();
  prefix = uniquePrefix('prefix-guard');
  guard = createPrefixGuard({ redis, prefix });
});
afterAll(() => redis.quit());

/** Records `count` starts of `client` at `nowMs`; answers whether any of them was blocked. */
async function starts(client: string, numberPrefix: string, count: number, nowMs: number): Promise<boolean> {
  let blocked = false;
  for (let i = 0; i < count; i += 1) {
    blocked = (await guard.recordStart(numberPrefix, client, nowMs, RULE)).blocked || blocked;
  }
  return blocked;
}

describe('prefix guard: one client', () => {
  it('blocks a prefix for a client once it has minSends with low conversion, for blockMs', async () => {
    expect(await starts('a', '+88210', 9, T0 + 1000)).toBe(false);
    expect(await guard.blockedUntil('+88210', 'a', T0 + 1000)).toBeUndefined();
    expect(await guard.recordStart('+88210', 'a', T0 + 2000, RULE)).toEqual({
      blocked: true,
      until: T0 + 2000 + RULE.blockMs,
      triggered: true,
      scope: 'client',
    });
    expect(await guard.blockedUntil('+88210', 'a', T0 + 3000)).toEqual({
      until: T0 + 302_000,
      scope: 'client',
    });
    // Further starts while blocked are answered, not counted.
    expect(await guard.recordStart('+88210', 'a', T0 + 3000, RULE)).toEqual({
      blocked: true,
      until: T0 + 302_000,
      triggered: false,
      scope: 'client',
    });
    const { window, clientBlock, block } = prefixGuardKeys(prefix, '+88210', 'a');
    expect(await redis.exists(window)).toBe(0);
    expect(await redis.exists(block)).toBe(0);
    const ttl = await redis.pttl(clientBlock);
    expect(ttl).toBeGreaterThan(RULE.blockMs - 5000);
    expect(ttl).toBeLessThanOrEqual(RULE.blockMs);
  });

  it('does not block a prefix whose codes are typed back', async () => {
    for (let i = 0; i < 40; i += 1) {
      expect((await guard.recordStart('+8190', 'a', T0 + i, RULE)).blocked).toBe(false);
      if (i % 4 === 0) await guard.recordApproval('+8190', 'a', T0 + i, RULE.windowMs);
    }
    expect(await guard.blockedUntil('+8190', 'a', T0 + 50)).toBeUndefined();
  });

  it('counts approvals: 2 of 10 passes a 0.2 threshold, 1 of 10 does not', async () => {
    await guard.recordApproval('+4470', 'a', T0, RULE.windowMs);
    await guard.recordApproval('+4470', 'a', T0, RULE.windowMs);
    expect(await starts('a', '+4470', 10, T0 + 1)).toBe(false);
    await guard.recordApproval('+4471', 'a', T0, RULE.windowMs);
    expect(await starts('a', '+4471', 10, T0 + 1)).toBe(true);
  });

  it('ends the block when its time is up and starts counting afresh', async () => {
    expect(await starts('a', '+88211', 10, T0)).toBe(true);
    const until = T0 + RULE.blockMs;
    expect(await guard.blockedUntil('+88211', 'a', until - 1)).toEqual({ until, scope: 'client' });
    expect(await guard.blockedUntil('+88211', 'a', until)).toBeUndefined();
    expect(await starts('a', '+88211', 9, until)).toBe(false);
    expect(await starts('a', '+88211', 1, until + 1)).toBe(true);
  });

  it('lets the keys expire with the block', async () => {
    const quick = { ...RULE, minSends: 1, blockMs: 30 };
    expect(await guard.recordStart('+88212', 'a', T0, quick)).toMatchObject({ blocked: true });
    await sleep(60);
    const { clientBlock, tripped } = prefixGuardKeys(prefix, '+88212', 'a');
    expect(await redis.exists(clientBlock, tripped)).toBe(0);
  });

  it('slides: sends just before a bucket boundary still count just after it', async () => {
    // T0 is a multiple of the window: buckets start at T0, T0 + 60 s...
    expect(await starts('a', '+88213', 9, T0 + 59_000)).toBe(false);
    expect(await starts('a', '+88213', 1, T0 + 60_100)).toBe(false); // 1 + 9 × 0.998 = 9.98
    expect(await starts('a', '+88213', 1, T0 + 60_200)).toBe(true);
  });

  it('forgets sends two buckets old', async () => {
    expect(await starts('a', '+88214', 9, T0 + 59_000)).toBe(false);
    expect(await starts('a', '+88214', 9, T0 + 180_000)).toBe(false);
  });

  it("sets the window key's TTL of two buckets when a bucket starts, not on every count", async () => {
    const { window } = prefixGuardKeys(prefix, '+88215', 'a');
    await starts('a', '+88215', 1, T0 + 1_000);
    const first = await redis.pttl(window);
    expect(first).toBeGreaterThan(2 * RULE.windowMs - 5_000);
    await redis.pexpire(window, 100_000); // a later count in the same bucket leaves the TTL alone...
    await starts('a', '+88215', 1, T0 + 2_000);
    await guard.recordApproval('+88215', 'a', T0 + 3_000, RULE.windowMs);
    expect(await redis.pttl(window)).toBeLessThanOrEqual(100_000);
    await starts('a', '+88215', 1, T0 + RULE.windowMs + 1_000); // ...the next bucket's first count sets it again
    expect(await redis.pttl(window)).toBeGreaterThan(2 * RULE.windowMs - 5_000);
  });
});

describe('prefix guard: per client, and for everyone after clientsToSuspendAll clients', () => {
  it("blocks the client whose conversion collapsed only; after 3 clients' collapse, every client", async () => {
    const p = '+88220';
    expect(await starts('a', p, 10, T0)).toBe(true);
    expect(await guard.blockedUntil(p, 'a', T0 + 1)).toEqual({ until: T0 + RULE.blockMs, scope: 'client' });
    // B and C still pass: A's unconfirmed codes are A's, and they count nowhere else.
    for (const client of ['b', 'c']) {
      expect(await guard.blockedUntil(p, client, T0 + 1)).toBeUndefined();
      expect(await starts(client, p, 9, T0 + 1)).toBe(false);
    }
    expect(await guard.recordStart(p, 'b', T0 + 2, RULE)).toEqual({
      blocked: true,
      until: T0 + 2 + RULE.blockMs,
      triggered: true,
      scope: 'client',
    });
    expect(await guard.blockedUntil(p, 'c', T0 + 2)).toBeUndefined();
    expect(await guard.blockedUntil(p, 'd', T0 + 2)).toBeUndefined();
    // The third distinct client within blockMs suspends the range for everyone, a fresh D included.
    expect(await guard.recordStart(p, 'c', T0 + 3, RULE)).toEqual({
      blocked: true,
      until: T0 + 3 + RULE.blockMs,
      triggered: true,
      scope: 'all',
    });
    const suspended = { until: T0 + 3 + RULE.blockMs, scope: 'all' };
    for (const client of ['a', 'b', 'c', 'd']) {
      expect(await guard.blockedUntil(p, client, T0 + 4)).toEqual(suspended);
    }
    expect(await guard.recordStart(p, 'd', T0 + 4, RULE)).toEqual({
      ...suspended,
      blocked: true,
      triggered: false,
    });
    const { window, tripped, block } = prefixGuardKeys(prefix, p, 'd');
    expect(await redis.exists(window, tripped)).toBe(0); // D was not counted; the set is spent
    expect(await redis.pttl(block)).toBeGreaterThan(RULE.blockMs - 5000);
    // The suspension ends with its time, like a client's block.
    expect(await guard.blockedUntil(p, 'd', T0 + 3 + RULE.blockMs)).toBeUndefined();
    expect(await starts('d', p, 9, T0 + 3 + RULE.blockMs)).toBe(false);
  });

  it("counts a client's approvals for that client only", async () => {
    const p = '+88221';
    for (let i = 0; i < 10; i += 1) await guard.recordApproval(p, 'b', T0, RULE.windowMs);
    expect(await starts('a', p, 10, T0)).toBe(true);
    expect(await starts('b', p, 10, T0)).toBe(false);
  });

  it('counts the same client once, and only clients blocked within blockMs of one another', async () => {
    const p = '+88222';
    const quick = { ...RULE, minSends: 1, blockMs: 10_000, clientsToSuspendAll: 2 };
    expect(await guard.recordStart(p, 'a', T0, quick)).toMatchObject({ scope: 'client' });
    // A again once its block ended: still one client.
    expect(await guard.recordStart(p, 'a', T0 + 9_999, quick)).toMatchObject({ triggered: false });
    expect(await guard.recordStart(p, 'a', T0 + 10_000, quick)).toMatchObject({
      triggered: true,
      scope: 'client',
    });
    // B blockMs after A's latest block: A has dropped out of the window, so B is blocked alone...
    expect(await guard.recordStart(p, 'b', T0 + 20_000, quick)).toMatchObject({
      triggered: true,
      scope: 'client',
    });
    expect(await guard.blockedUntil(p, 'c', T0 + 20_001)).toBeUndefined();
    // ...and C within blockMs of B makes two: suspended for all.
    expect(await guard.recordStart(p, 'c', T0 + 29_999, quick)).toMatchObject({
      triggered: true,
      scope: 'all',
    });
    expect(await guard.blockedUntil(p, 'a', T0 + 30_000)).toEqual({ until: T0 + 39_999, scope: 'all' });
  });

  it('answers the block that ends last when a client is blocked and the range suspended', async () => {
    const p = '+88223';
    const { clientBlock, block } = prefixGuardKeys(prefix, p, 'a');
    await redis.set(clientBlock, String(T0 + 5_000), 'PX', 60_000);
    await redis.set(block, String(T0 + 3_000), 'PX', 60_000);
    expect(await guard.blockedUntil(p, 'a', T0)).toEqual({ until: T0 + 5_000, scope: 'client' });
    expect(await guard.blockedUntil(p, 'b', T0)).toEqual({ until: T0 + 3_000, scope: 'all' });
    expect(await guard.blockedUntil(p, 'a', T0 + 5_000)).toBeUndefined();
  });

  it('keeps every key of a prefix in its slot and refuses bad input', async () => {
    const keys = prefixGuardKeys(prefix, '+88215', 'acme');
    for (const key of Object.values(keys)) expect(slotPart(key)).toBe('+88215');
    expect(keys.window).not.toBe(prefixGuardKeys(prefix, '+88215', 'globex').window);
    expect(keys.block).toBe(prefixGuardKeys(prefix, '+88215', 'globex').block);
    await expect(guard.recordStart('+8{8}', 'a', T0, RULE)).rejects.toMatchObject({
      code: 'invalid_argument',
    });
    for (const client of ['', 'a:b', 'a}']) {
      await expect(guard.recordStart('+882', client, T0, RULE)).rejects.toMatchObject({
        code: 'invalid_argument',
      });
    }
    await expect(guard.recordStart('+882', 'a', T0, { ...RULE, threshold: 1.5 })).rejects.toMatchObject({
      code: 'invalid_argument',
    });
    await expect(guard.recordStart('+882', 'a', T0, { ...RULE, minSends: 0 })).rejects.toMatchObject({
      code: 'invalid_argument',
    });
    await expect(
      guard.recordStart('+882', 'a', T0, { ...RULE, clientsToSuspendAll: 0 }),
    ).rejects.toMatchObject({
      code: 'invalid_argument',
    });
  });
});
