import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testRedis, uniquePrefix } from '../../../test/helpers/redis.ts';
import { createPrefixGuard, type PrefixGuard, type PrefixRule, prefixGuardKeys } from './prefix-guard.ts';
import { sleep, slotPart, T0 } from './test-support.ts';

const RULE: PrefixRule = { minSends: 10, threshold: 0.2, windowMs: 60_000, blockMs: 300_000 };

let redis: Redis;
let prefix: string;
let guard: PrefixGuard;

beforeAll(() => {
  redis = testRedis();
  prefix = uniquePrefix('prefix-guard');
  guard = createPrefixGuard({ redis, prefix });
});
afterAll(() => redis.quit());

/** Records `count` starts at `nowMs`; answers whether any of them was blocked. */
async function starts(numberPrefix: string, count: number, nowMs: number): Promise<boolean> {
  let blocked = false;
  for (let i = 0; i < count; i += 1) {
    blocked = (await guard.recordStart(numberPrefix, nowMs, RULE)).blocked || blocked;
  }
  return blocked;
}

describe('prefix guard', () => {
  it('blocks a prefix once it has minSends with low conversion, for blockMs', async () => {
    expect(await starts('+88210', 9, T0 + 1000)).toBe(false);
    expect(await guard.blockedUntil('+88210', T0 + 1000)).toBeUndefined();
    expect(await guard.recordStart('+88210', T0 + 2000, RULE)).toEqual({
      blocked: true,
      until: T0 + 2000 + RULE.blockMs,
      triggered: true,
    });
    expect(await guard.blockedUntil('+88210', T0 + 3000)).toBe(T0 + 302_000);
    // Further starts while blocked are answered, not counted.
    expect(await guard.recordStart('+88210', T0 + 3000, RULE)).toEqual({
      blocked: true,
      until: T0 + 302_000,
      triggered: false,
    });
    const { window, block } = prefixGuardKeys(prefix, '+88210');
    expect(await redis.exists(window)).toBe(0);
    const ttl = await redis.pttl(block);
    expect(ttl).toBeGreaterThan(RULE.blockMs - 5000);
    expect(ttl).toBeLessThanOrEqual(RULE.blockMs);
  });

  it('does not block a prefix whose codes are typed back', async () => {
    for (let i = 0; i < 40; i += 1) {
      expect((await guard.recordStart('+8190', T0 + i, RULE)).blocked).toBe(false);
      if (i % 4 === 0) await guard.recordApproval('+8190', T0 + i, RULE.windowMs);
    }
    expect(await guard.blockedUntil('+8190', T0 + 50)).toBeUndefined();
  });

  it('counts approvals: 2 of 10 passes a 0.2 threshold, 1 of 10 does not', async () => {
    await guard.recordApproval('+4470', T0, RULE.windowMs);
    await guard.recordApproval('+4470', T0, RULE.windowMs);
    expect(await starts('+4470', 10, T0 + 1)).toBe(false);
    await guard.recordApproval('+4471', T0, RULE.windowMs);
    expect(await starts('+4471', 10, T0 + 1)).toBe(true);
  });

  it('ends the block when its time is up and starts counting afresh', async () => {
    expect(await starts('+88211', 10, T0)).toBe(true);
    const until = T0 + RULE.blockMs;
    expect(await guard.blockedUntil('+88211', until - 1)).toBe(until);
    expect(await guard.blockedUntil('+88211', until)).toBeUndefined();
    expect(await starts('+88211', 9, until)).toBe(false);
    expect(await starts('+88211', 1, until + 1)).toBe(true);
  });

  it('lets the key expire with the block', async () => {
    const quick = { ...RULE, minSends: 1, blockMs: 30 };
    expect(await guard.recordStart('+88212', T0, quick)).toMatchObject({ blocked: true });
    await sleep(60);
    expect(await redis.exists(prefixGuardKeys(prefix, '+88212').block)).toBe(0);
  });

  it('slides: sends just before a bucket boundary still count just after it', async () => {
    // T0 is a multiple of the window: buckets start at T0, T0 + 60 s...
    expect(await starts('+88213', 9, T0 + 59_000)).toBe(false);
    expect(await starts('+88213', 1, T0 + 60_100)).toBe(false); // 1 + 9 × 0.998 = 9.98
    expect(await starts('+88213', 1, T0 + 60_200)).toBe(true);
  });

  it('forgets sends two buckets old', async () => {
    expect(await starts('+88214', 9, T0 + 59_000)).toBe(false);
    expect(await starts('+88214', 9, T0 + 180_000)).toBe(false);
  });

  it("sets the window key's TTL of two buckets when a bucket starts, not on every count", async () => {
    const { window } = prefixGuardKeys(prefix, '+88215');
    await starts('+88215', 1, T0 + 1_000);
    const first = await redis.pttl(window);
    expect(first).toBeGreaterThan(2 * RULE.windowMs - 5_000);
    await redis.pexpire(window, 100_000); // a later count in the same bucket leaves the TTL alone...
    await starts('+88215', 1, T0 + 2_000);
    await guard.recordApproval('+88215', T0 + 3_000, RULE.windowMs);
    expect(await redis.pttl(window)).toBeLessThanOrEqual(100_000);
    await starts('+88215', 1, T0 + RULE.windowMs + 1_000); // ...the next bucket's first count sets it again
    expect(await redis.pttl(window)).toBeGreaterThan(2 * RULE.windowMs - 5_000);
  });

  it('keeps both keys of a prefix in its slot and refuses bad input', async () => {
    const { window, block } = prefixGuardKeys(prefix, '+88215');
    expect(slotPart(window)).toBe('+88215');
    expect(slotPart(block)).toBe('+88215');
    await expect(guard.recordStart('+8{8}', T0, RULE)).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(guard.recordStart('+882', T0, { ...RULE, threshold: 1.5 })).rejects.toMatchObject({
      code: 'invalid_argument',
    });
    await expect(guard.recordStart('+882', T0, { ...RULE, minSends: 0 })).rejects.toMatchObject({
      code: 'invalid_argument',
    });
  });
});
