import { testRedis, uniquePrefix } from '@sendcode/testing';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { T0 } from '../core/test-support.ts';
import { createSpendLedger, type SpendLedger, spendDay, spendKey } from './spend.ts';

let redis: Redis;
let prefix: string;
let ledger: SpendLedger;

beforeAll(() => {
  redis = testRedis();
  prefix = uniquePrefix('spend');
  ledger = createSpendLedger({ redis, prefix });
});
afterAll(() => redis.quit());

describe('spend ledger', () => {
  it('never passes the cap under 20 concurrent charges', async () => {
    const connections = Array.from({ length: 4 }, () => testRedis());
    try {
      const ledgers = connections.map((connection) => createSpendLedger({ redis: connection, prefix }));
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          ledgers[i % ledgers.length]?.charge('acme', '20250101', 300, 5000),
        ),
      );
      expect(results.filter((r) => r?.ok)).toHaveLength(16);
      expect(results.every((r) => r !== undefined && r.spentMicros <= 5000)).toBe(true);
      expect(await ledger.spent('acme', '20250101')).toBe(4800);
    } finally {
      await Promise.all(connections.map((connection) => connection.quit()));
    }
  });

  it('refuses a charge that would pass the cap without changing anything, allows one that reaches it', async () => {
    expect(await ledger.charge('cap', '20250102', 700, 1000)).toEqual({ ok: true, spentMicros: 700 });
    expect(await ledger.charge('cap', '20250102', 301, 1000)).toEqual({ ok: false, spentMicros: 700 });
    expect(await ledger.charge('cap', '20250102', 300, 1000)).toEqual({ ok: true, spentMicros: 1000 });
    expect(await ledger.charge('cap', '20250102', 0, 1000)).toEqual({ ok: true, spentMicros: 1000 });
    expect(await ledger.charge('cap', '20250102', 5, undefined)).toEqual({ ok: true, spentMicros: 1005 });
  });

  it('refuses to charge a counter that is not an integer, changing nothing', async () => {
    const key = spendKey(prefix, 'bad', '20250108');
    await redis.set(key, 'not-a-number');
    await expect(ledger.charge('bad', '20250108', 10, 1000)).rejects.toThrow(/malformed spend counter/);
    expect(await redis.get(key)).toBe('not-a-number');
  });

  it('keeps a day for two days and days apart', async () => {
    await ledger.charge('ttl', '20250103', 10, undefined);
    const ttl = await redis.ttl(spendKey(prefix, 'ttl', '20250103'));
    expect(ttl).toBeGreaterThan(2 * 86_400 - 5);
    expect(ttl).toBeLessThanOrEqual(2 * 86_400);
    expect(await ledger.spent('ttl', '20250104')).toBe(0);
  });

  it('refunds, never below 0, keeping the TTL and creating no day', async () => {
    await ledger.charge('refund', '20250105', 500, undefined);
    await ledger.refund('refund', '20250105', 200);
    expect(await ledger.spent('refund', '20250105')).toBe(300);
    await ledger.refund('refund', '20250105', 1000);
    expect(await ledger.spent('refund', '20250105')).toBe(0);
    expect(await redis.ttl(spendKey(prefix, 'refund', '20250105'))).toBeGreaterThan(86_400);
    await ledger.refund('refund', '20250106', 100);
    expect(await redis.exists(spendKey(prefix, 'refund', '20250106'))).toBe(0);
  });

  it('handles amounts past Lua number formatting (1e14 micro-USD)', async () => {
    await ledger.charge('big', '20250107', 200_000_000_000_000, undefined);
    await ledger.refund('big', '20250107', 100_000_000_000_000);
    expect(await ledger.charge('big', '20250107', 1, undefined)).toEqual({
      ok: true,
      spentMicros: 100_000_000_000_001,
    });
  });

  it('names UTC days and refuses bad input', async () => {
    expect(spendDay(T0)).toBe('20250101');
    expect(spendDay(T0 - 1)).toBe('20241231');
    await expect(ledger.charge('acme', '2025-01-01', 1, undefined)).rejects.toMatchObject({
      code: 'invalid_argument',
    });
    await expect(ledger.charge('acme', '20250101', 1.5, undefined)).rejects.toMatchObject({
      code: 'invalid_argument',
    });
    await expect(ledger.charge('acme', '20250101', -1, 10)).rejects.toMatchObject({
      code: 'invalid_argument',
    });
  });
});
