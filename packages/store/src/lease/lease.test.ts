import { createLogger } from '@sendcode/runtime';
import { eventually, testRedis, uniquePrefix } from '@sendcode/testing';
import type { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { sleep } from '../core/test-support.ts';
import { createLease, keepLease, leaseKey } from './lease.ts';

const redis: Redis = testRedis();
afterAll(() => redis.quit());

describe('lease', () => {
  it('is held by one of many at a time, kept by its holder, taken over when it runs out', async () => {
    const prefix = uniquePrefix('lease');
    const [a, b, c] = ['a', 'b', 'c'].map((owner) =>
      createLease({ redis, prefix, name: 'm', ttlMs: 300, owner }),
    );
    if (!a || !b || !c) throw new Error('three leases');
    const first = await Promise.all([a.hold(), b.hold(), c.hold()]);
    expect(first.filter(Boolean)).toHaveLength(1);
    const holder = [a, b, c][first.indexOf(true)];
    const others = [a, b, c].filter((lease) => lease !== holder);
    // The holder renews within its time and keeps it; the others keep asking and do not get it.
    for (let i = 0; i < 4; i++) {
      await sleep(150);
      expect(await holder?.hold()).toBe(true);
      expect(await Promise.all(others.map((lease) => lease.hold()))).toEqual([false, false]);
    }
    // The holder stops renewing (it died): the lease runs out and one other takes it.
    await sleep(400);
    const next = await Promise.all(others.map((lease) => lease.hold()));
    expect(next.filter(Boolean)).toHaveLength(1);
    expect(await holder?.hold()).toBe(false);
  });

  it('is given back on release, only by its holder', async () => {
    const prefix = uniquePrefix('lease');
    const a = createLease({ redis, prefix, name: 'm', ttlMs: 60_000, owner: 'a' });
    const b = createLease({ redis, prefix, name: 'm', ttlMs: 60_000, owner: 'b' });
    expect(await a.hold()).toBe(true);
    await b.release();
    expect(await redis.get(leaseKey(prefix, 'm'))).toBe('a');
    await a.release();
    expect(await b.hold()).toBe(true);
  });
});

describe('keepLease', () => {
  it('one of several processes holds it; when the holder stops, another takes over', async () => {
    const prefix = uniquePrefix('lease');
    const logger = createLogger('test', 'silent');
    const kept = ['a', 'b', 'c'].map((owner) =>
      keepLease(createLease({ redis, prefix, name: 'm', ttlMs: 1_000, owner }), 100, logger),
    );
    const holders = () => kept.filter((lease) => lease.holding()).length;
    expect(
      await eventually(
        async () => holders(),
        (n) => n === 1,
      ),
    ).toBe(1);
    await sleep(500);
    expect(holders()).toBe(1);
    const holder = kept.find((lease) => lease.holding());
    await holder?.stop();
    const rest = kept.filter((lease) => lease !== holder);
    expect(
      await eventually(
        async () => rest.filter((lease) => lease.holding()).length,
        (n) => n === 1,
      ),
    ).toBe(1);
    await Promise.all(rest.map((lease) => lease.stop()));
    expect(await redis.get(leaseKey(prefix, 'm'))).toBeNull();
  });
});
