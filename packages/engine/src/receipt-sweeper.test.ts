import { createLogger } from '@sendcode/runtime';
import { createReceiptDue, type DeliveryJob } from '@sendcode/store';
import { eventually, testRedis, uniquePrefix } from '@sendcode/testing';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiptSweeper } from './receipt-sweeper.ts';

const logger = createLogger('test', 'silent');
let redis: Redis;

beforeAll(() => {
  redis = testRedis();
});
afterAll(async () => {
  await redis.quit();
});

const job = (send: number): DeliveryJob => ({ verificationId: 'ver_sweep', step: 0, send });

describe('receipt sweeper', () => {
  it('runs every due entry once, more than a batch of them, and leaves the ones not due', async () => {
    const due = createReceiptDue({ redis, prefix: uniquePrefix('sweep') });
    const now = Date.now();
    for (let send = 1; send <= 250; send++) await due.schedule(job(send), now - 1_000);
    await due.schedule(job(999), now + 600_000);
    const ran: number[] = [];
    const sweeper = startReceiptSweeper({
      due,
      run: async (j) => {
        ran.push(j.send);
      },
      logger,
      now: Date.now,
      intervalMs: 10,
      batch: 100,
    });
    await eventually(
      async () => ran.length,
      (count) => count >= 250,
      5_000,
    );
    await sweeper.stop();
    expect(ran.sort((x, y) => x - y)).toEqual(Array.from({ length: 250 }, (_, i) => i + 1));
    expect(await due.size()).toBe(1);
  });

  it('keeps an entry whose run failed and runs it again once its lease ends', async () => {
    const due = createReceiptDue({ redis, prefix: uniquePrefix('sweep') });
    await due.schedule(job(1), Date.now() - 1);
    let calls = 0;
    const sweeper = startReceiptSweeper({
      due,
      run: async () => {
        calls += 1;
        if (calls === 1) throw new Error('Redis hiccup');
      },
      logger,
      now: Date.now,
      intervalMs: 10,
      leaseMs: 200,
    });
    await eventually(
      async () => (await due.size()) === 0,
      (empty) => empty,
      5_000,
    );
    await sweeper.stop();
    expect(calls).toBe(2);
  });

  it('stop waits for the sweep under way', async () => {
    const due = createReceiptDue({ redis, prefix: uniquePrefix('sweep') });
    await due.schedule(job(1), Date.now() - 1);
    let finished = false;
    let started = false;
    const sweeper = startReceiptSweeper({
      due,
      run: async () => {
        started = true;
        await new Promise((resolve) => setTimeout(resolve, 200));
        finished = true;
      },
      logger,
      now: Date.now,
      intervalMs: 10,
    });
    await eventually(
      async () => started,
      (yes) => yes,
      5_000,
    );
    await sweeper.stop();
    expect(finished).toBe(true);
    expect(await due.size()).toBe(0);
  });
});
