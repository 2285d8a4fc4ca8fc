import { testRedis, uniquePrefix } from '@sendcode/testing';
import type { Redis } from 'ioredis';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { T0 } from '../core/test-support.ts';
import type { DeliveryJob } from '../queues/queues.ts';
import { createReceiptDue, type ReceiptDue, receiptDueKey } from '../receipt-due/receipt-due.ts';
import { createSendWatch, type SendWatch, sendWatchKey } from './send-watch.ts';

let redis: Redis;
let watch: SendWatch;
let due: ReceiptDue;
let prefix: string;

const LEASE = 30_000;
const a: DeliveryJob = { verificationId: 'ver_0123456789abcdef0123456789abcdef', step: 0, send: 1 };
const b: DeliveryJob = { verificationId: 'ver_fedcba9876543210fedcba9876543210', step: 1, send: 2 };

beforeEach(() => {
  redis ??= testRedis();
  prefix = uniquePrefix('sw');
  watch = createSendWatch({ redis, prefix });
  due = createReceiptDue({ redis, prefix });
});

afterAll(async () => {
  await redis.quit();
});

describe('send watch', () => {
  it("hashes to the receipt due set's slot: its hash tag is that key", () => {
    expect(sendWatchKey('sc')).toBe('{sc:rd}:sw');
    expect(receiptDueKey('sc')).toBe('sc:rd');
  });

  it('keeps the first check time of a send, and gives sends back once due, leased', async () => {
    await watch.watch(a, T0 + 5_000);
    await watch.watch(a, T0 + 9_000);
    await watch.watch(b, T0 + 6_000);
    expect(await watch.size()).toBe(2);
    expect(await watch.claim(T0 + 4_999, LEASE, 10)).toEqual([]);
    expect(await watch.claim(T0 + 6_000, LEASE, 10)).toEqual([a, b]);
    // Leased: not again before the lease ends.
    expect(await watch.claim(T0 + 6_000, LEASE, 10)).toEqual([]);
    expect(await watch.claim(T0 + 6_000 + LEASE, LEASE, 10)).toEqual([a, b]);
  });

  it('a recheck moves a watched send; it does not bring back one that left', async () => {
    await watch.watch(a, T0);
    await watch.recheck(a, T0 + 10_000);
    expect(await watch.claim(T0 + 9_999, LEASE, 10)).toEqual([]);
    expect(await watch.claim(T0 + 10_000, LEASE, 10)).toEqual([a]);
    await watch.drop(a);
    await watch.recheck(a, T0 + 20_000);
    expect(await watch.size()).toBe(0);
  });

  it('accepted: schedules the receipt timeout and leaves the watch in one step', async () => {
    await watch.watch(a, T0 + 5_000);
    await watch.accepted(a, T0 + 60_000);
    expect(await watch.size()).toBe(0);
    expect(await redis.zscore(receiptDueKey(prefix), `${a.verificationId}-0-1`)).toBe(String(T0 + 60_000));
    // A second run (a re-run of the job) keeps the first due time.
    await watch.accepted(a, T0 + 90_000);
    expect(await due.claim(T0 + 60_000, LEASE, 10)).toEqual([a]);
  });

  it('accepted without a receipt to wait for (email, no PUBLIC_URL) only leaves the watch', async () => {
    await watch.watch(b, T0 + 5_000);
    await watch.accepted(b, undefined);
    expect(await watch.size()).toBe(0);
    expect(await due.size()).toBe(0);
  });

  it('drops members it did not write instead of claiming them forever', async () => {
    await redis.zadd(sendWatchKey(prefix), T0, 'not-a-send');
    await watch.watch(a, T0);
    expect(await watch.claim(T0, LEASE, 10)).toEqual([a]);
    expect(await redis.zscore(sendWatchKey(prefix), 'not-a-send')).toBeNull();
  });

  it('refuses what it would not read back', async () => {
    await expect(watch.watch({ ...a, send: 0 }, T0)).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(watch.accepted(a, -1)).rejects.toMatchObject({ code: 'invalid_argument' });
    expect(() => sendWatchKey('{sc}')).toThrow(/braces/);
  });
});
