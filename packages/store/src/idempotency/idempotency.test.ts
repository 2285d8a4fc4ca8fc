import { testRedis, uniquePrefix } from '@sendcode/testing';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sleep, T0 } from '../core/test-support.ts';
import { createIdempotencyStore, type IdempotencyStore, idempotencyKey } from './idempotency.ts';

const LOCK = 30_000;

let redis: Redis;
let prefix: string;
let idem: IdempotencyStore;

beforeAll(() => {
  redis = testRedis();
  prefix = uniquePrefix('idem');
  idem = createIdempotencyStore({ redis, prefix });
});
afterAll(() => redis.quit());

describe('idempotency', () => {
  it('claims, reports in_progress, then replays the stored response for the same body', async () => {
    expect(await idem.begin('acme', 'k1', 'body-a', T0, LOCK)).toBe('new');
    expect(await idem.begin('acme', 'k1', 'body-a', T0 + 1, LOCK)).toBe('in_progress');
    await idem.complete('acme', 'k1', 'body-a', 201, '{"id":"ver_1"}');
    expect(await idem.begin('acme', 'k1', 'body-a', T0 + 2, LOCK)).toEqual({
      state: 'replay',
      status: 201,
      body: '{"id":"ver_1"}',
    });
    const ttl = await redis.ttl(idempotencyKey(prefix, 'acme', 'k1'));
    expect(ttl).toBeGreaterThan(86_400 - 5);
    expect(ttl).toBeLessThanOrEqual(86_400);
  });

  it('answers mismatch for another body, in progress or done, and changes nothing', async () => {
    expect(await idem.begin('acme', 'k2', 'body-a', T0, LOCK)).toBe('new');
    expect(await idem.begin('acme', 'k2', 'body-b', T0, LOCK)).toBe('mismatch');
    await idem.complete('acme', 'k2', 'body-b', 500, 'nope');
    await idem.abandon('acme', 'k2', 'body-b');
    expect(await idem.begin('acme', 'k2', 'body-a', T0, LOCK)).toBe('in_progress');
    await idem.complete('acme', 'k2', 'body-a', 201, 'ok');
    expect(await idem.begin('acme', 'k2', 'body-b', T0, LOCK)).toBe('mismatch');
    expect(await idem.begin('acme', 'k2', 'body-a', T0, LOCK)).toMatchObject({ state: 'replay', body: 'ok' });
  });

  it('abandon frees an in-progress claim, not a completed one', async () => {
    expect(await idem.begin('acme', 'k3', 'body-a', T0, LOCK)).toBe('new');
    await idem.abandon('acme', 'k3', 'body-a');
    expect(await idem.begin('acme', 'k3', 'body-a', T0 + 1, LOCK)).toBe('new');
    await idem.complete('acme', 'k3', 'body-a', 201, 'done');
    await idem.abandon('acme', 'k3', 'body-a');
    expect(await idem.begin('acme', 'k3', 'body-a', T0 + 2, LOCK)).toMatchObject({ state: 'replay' });
  });

  it('complete stores nothing for a claim it does not hold', async () => {
    await idem.complete('acme', 'k4', 'body-a', 201, 'ghost');
    expect(await redis.exists(idempotencyKey(prefix, 'acme', 'k4'))).toBe(0);
  });

  it('frees a claim whose lock ran out (the request crashed)', async () => {
    expect(await idem.begin('acme', 'k5', 'body-a', T0, 40)).toBe('new');
    expect(await redis.pttl(idempotencyKey(prefix, 'acme', 'k5'))).toBeLessThanOrEqual(40);
    await sleep(80);
    expect(await idem.begin('acme', 'k5', 'body-a', T0 + 100, LOCK)).toBe('new');
  });

  it('gives exactly one of concurrent identical requests the claim', async () => {
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => idem.begin('acme', 'k6', 'body-a', T0, LOCK)),
    );
    expect(answers.filter((a) => a === 'new')).toHaveLength(1);
    expect(answers.filter((a) => a === 'in_progress')).toHaveLength(19);
  });

  it('keeps clients apart and hashes the key', async () => {
    expect(await idem.begin('acme', 'shared', 'body-a', T0, LOCK)).toBe('new');
    expect(await idem.begin('globex', 'shared', 'body-b', T0, LOCK)).toBe('new');
    expect(idempotencyKey(prefix, 'acme', 'shared')).toMatch(
      new RegExp(`^${prefix}:idem:\\{acme\\}:[0-9a-f]{64}$`),
    );
  });

  it('refuses bad input', async () => {
    await expect(idem.begin('acme', '', 'b', T0, LOCK)).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(idem.begin('a{b', 'k', 'b', T0, LOCK)).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(idem.begin('acme', 'k', 'b', T0, 0)).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(idem.complete('acme', 'k', 'b', 42, '')).rejects.toMatchObject({ code: 'invalid_argument' });
  });
});
