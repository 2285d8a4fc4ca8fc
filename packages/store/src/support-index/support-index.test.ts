import { testRedis, uniquePrefix } from '@sendcode/testing';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { T0 } from '../core/test-support.ts';
import { createSupportIndex, type SupportIndex, supportIndexKey } from './support-index.ts';

const DAY = 86_400_000;

let redis: Redis;
let prefix: string;
let index: SupportIndex;

beforeAll(() => {
  redis = testRedis();
  prefix = uniquePrefix('support-index');
  index = createSupportIndex({ redis, prefix });
});
afterAll(() => redis.quit());

describe('support index', () => {
  it('finds ids newest first, across two hashes (key rotation), each once', async () => {
    await index.add('destination', 'old-key-hash', 'ver_a', T0 + 1);
    await index.add('destination', 'old-key-hash', 'ver_b', T0 + 2);
    await index.add('destination', 'new-key-hash', 'ver_b', T0 + 2);
    await index.add('destination', 'new-key-hash', 'ver_c', T0 + 3);
    const kinds = [
      { kind: 'destination', hash: 'old-key-hash' },
      { kind: 'destination', hash: 'new-key-hash' },
    ] as const;
    expect(await index.find(kinds, 0, 10)).toEqual(['ver_c', 'ver_b', 'ver_a']);
    expect(await index.find(kinds, T0 + 2, 10)).toEqual(['ver_c', 'ver_b']);
    expect(await index.find(kinds, 0, 2)).toEqual(['ver_c', 'ver_b']);
    expect(await index.find([{ kind: 'destination', hash: 'nobody' }], 0, 10)).toEqual([]);
  });

  it('keeps destination and account indexes apart', async () => {
    await index.add('account', 'h-1', 'ver_acct', T0);
    expect(await index.find([{ kind: 'destination', hash: 'h-1' }], 0, 10)).toEqual([]);
    expect(await index.find([{ kind: 'account', hash: 'h-1' }], 0, 10)).toEqual(['ver_acct']);
  });

  it('keeps the newest 100 entries for 7 days', async () => {
    for (let i = 0; i < 105; i += 1) await index.add('account', 'busy', `ver_${i}`, T0 + i);
    const key = supportIndexKey(prefix, 'account', 'busy');
    expect(await redis.zcard(key)).toBe(100);
    expect(await index.find([{ kind: 'account', hash: 'busy' }], 0, 1)).toEqual(['ver_104']);
    expect(await redis.zscore(key, 'ver_4')).toBeNull();
    const ttl = await redis.ttl(key);
    expect(ttl).toBeGreaterThan(7 * 86_400 - 5);
    expect(ttl).toBeLessThanOrEqual(7 * 86_400);
  });

  it('drops entries older than 7 days before the newest', async () => {
    await index.add('destination', 'aging', 'ver_old', T0);
    await index.add('destination', 'aging', 'ver_week', T0 + 7 * DAY);
    expect(await index.find([{ kind: 'destination', hash: 'aging' }], 0, 10)).toEqual([
      'ver_week',
      'ver_old',
    ]);
    await index.add('destination', 'aging', 'ver_new', T0 + 7 * DAY + 1);
    expect(await index.find([{ kind: 'destination', hash: 'aging' }], 0, 10)).toEqual([
      'ver_new',
      'ver_week',
    ]);
  });

  it('keeps an index only as long as its entries ask (a refused start), never shorter than it had', async () => {
    const key = supportIndexKey(prefix, 'destination', 'refused-only');
    await index.add('destination', 'refused-only', 'ver_refused', T0, 90_000);
    const short = await redis.ttl(key);
    expect(short).toBeGreaterThan(90_000 - 5);
    expect(short).toBeLessThanOrEqual(90_000);
    await index.add('destination', 'refused-only', 'ver_real', T0 + 1);
    expect(await redis.ttl(key)).toBeGreaterThan(7 * 86_400 - 5);
    await index.add('destination', 'refused-only', 'ver_refused_again', T0 + 2, 60);
    expect(await redis.ttl(key)).toBeGreaterThan(7 * 86_400 - 5);
    await expect(index.add('destination', 'refused-only', 'ver_x', T0, 0)).rejects.toMatchObject({
      code: 'invalid_argument',
    });
  });

  it('uses the kind and hash as the hash tag, and refuses bad input', async () => {
    expect(supportIndexKey(prefix, 'destination', 'abc')).toBe(`${prefix}:ix:{destination:abc}`);
    await expect(index.add('destination', 'a}b', 'ver_x', T0)).rejects.toMatchObject({
      code: 'invalid_argument',
    });
    await expect(index.find([{ kind: 'account', hash: 'h' }], 0, 0)).rejects.toMatchObject({
      code: 'invalid_argument',
    });
  });
});
