import { testRedis, uniquePrefix } from '@sendcode/testing';
import type { Redis } from 'ioredis';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { T0 } from '../core/test-support.ts';
import type { DeliveryJob } from '../queues/queues.ts';
import { createReceiptDue, type ReceiptDue, receiptDueKey } from './receipt-due.ts';

let redis: Redis;
let due: ReceiptDue;
let prefix: string;

const LEASE = 30_000;
const a: DeliveryJob = { verificationId: 'ver_0123456789abcdef0123456789abcdef', step: 0, send: 1 };
const b: DeliveryJob = { verificationId: 'ver_fedcba9876543210fedcba9876543210', step: 2, send: 3 };
const c: DeliveryJob = { verificationId: 'ver_with-hyphens-in-it', step: 1, send: 12 };

beforeEach(() => {
  redis ??= testRedis();
  prefix = uniquePrefix('rd');
  due = createReceiptDue({ redis, prefix });
});

afterAll(async () => {
  await redis.quit();
});

describe('receipt due set', () => {
  it('keeps one entry per send, at the first due time it was given', async () => {
    await due.schedule(a, T0 + 1_000);
    await due.schedule(a, T0 + 9_000);
    expect(await due.size()).toBe(1);
    expect(await redis.zscore(receiptDueKey(prefix), `${a.verificationId}-0-1`)).toBe(String(T0 + 1_000));
    expect(await due.claim(T0 + 999, LEASE, 10)).toEqual([]);
    expect(await due.claim(T0 + 1_000, LEASE, 10)).toEqual([a]);
  });

  it('claims only what is due, oldest first, at most `limit`, and decodes each send back', async () => {
    await due.schedule(b, T0 + 2_000);
    await due.schedule(a, T0 + 1_000);
    await due.schedule(c, T0 + 3_000);
    expect(await due.claim(T0 + 2_500, LEASE, 1)).toEqual([a]);
    expect(await due.claim(T0 + 2_500, LEASE, 10)).toEqual([b]);
    expect(await due.claim(T0 + 3_000, LEASE, 10)).toEqual([c]);
    expect(await due.size()).toBe(3);
  });

  it('leases what it claims: nothing again before the lease ends, the same sends after it', async () => {
    await due.schedule(a, T0);
    await due.schedule(b, T0);
    expect(await due.claim(T0, LEASE, 10)).toEqual([a, b]);
    expect(await due.claim(T0 + LEASE - 1, LEASE, 10)).toEqual([]);
    await due.cancel(a);
    expect(await due.claim(T0 + LEASE, LEASE, 10)).toEqual([b]);
    expect(await due.claim(T0 + LEASE + 1, LEASE, 10)).toEqual([]);
    expect(await due.claim(T0 + 2 * LEASE, LEASE, 10)).toEqual([b]);
  });

  it('gives each due send to one of several concurrent claims', async () => {
    const jobs = Array.from({ length: 50 }, (_, i) => ({ ...a, send: i + 1 }));
    for (const job of jobs) await due.schedule(job, T0);
    const claims = await Promise.all(Array.from({ length: 8 }, () => due.claim(T0, LEASE, 10)));
    const claimed = claims.flat().map((job) => job.send);
    expect(claimed).toHaveLength(50);
    expect(new Set(claimed).size).toBe(50);
  });

  it('cancel removes the entry; removing a missing one is a no-op', async () => {
    await due.schedule(a, T0);
    await due.schedule(b, T0);
    await due.cancel(a);
    await due.cancel(a);
    await due.cancel(b);
    expect(await due.size()).toBe(0);
    expect(await due.claim(T0 + LEASE, LEASE, 10)).toEqual([]);
    expect(await redis.exists(receiptDueKey(prefix))).toBe(0);
  });

  it('drops an entry it cannot read instead of claiming it forever', async () => {
    await redis.zadd(receiptDueKey(prefix), T0, 'not-a-send');
    await due.schedule(a, T0);
    expect(await due.claim(T0, LEASE, 10)).toEqual([a]);
    expect(await due.size()).toBe(1);
  });

  it('refuses bad input', async () => {
    await expect(due.schedule({ ...a, send: 0 }, T0)).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(due.schedule({ ...a, verificationId: '' }, T0)).rejects.toMatchObject({
      code: 'invalid_argument',
    });
    await expect(due.schedule(a, Number.NaN)).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(due.claim(T0, 0, 10)).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(due.claim(T0, LEASE, 0)).rejects.toMatchObject({ code: 'invalid_argument' });
  });
});
