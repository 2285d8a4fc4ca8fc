import { testRedis } from '@sendcode/testing';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newVerification, openStore, RIGHT, T0, typed, WRONG } from '../core/test-support.ts';
import { createVerificationStore, type VerificationStore } from './verification-store.ts';

let redis: Redis;
let store: VerificationStore;
let prefix: string;

beforeAll(() => {
  ({ redis, store, prefix } = openStore('check-concurrency'));
});
afterAll(() => redis.quit());

/** `count` concurrent checks of `id` with a wrong code, spread over five connections of their own. */
async function wrongChecks(id: string, count: number, nowMs: number) {
  const connections = Array.from({ length: 5 }, () => testRedis());
  try {
    const stores = connections.map((connection) => createVerificationStore({ redis: connection, prefix }));
    return await Promise.all(
      Array.from({ length: count }, (_, i) => stores[i % stores.length]?.check(id, typed(WRONG), nowMs)),
    );
  } finally {
    await Promise.all(connections.map((connection) => connection.quit()));
  }
}

/** Concurrent checks through several connections: the count stays exact at maxAttempts. */
describe('check under concurrency', () => {
  it('never counts past maxAttempts under 50 concurrent wrong checks', async () => {
    const v = newVerification();
    await store.create(v, T0);
    const outcomes = await wrongChecks(v.id, 50, T0 + 1);
    const locks = outcomes.filter((o) => o?.found === true && o.transitioned && o.status === 'locked');
    expect(locks).toHaveLength(1);
    expect(outcomes.every((o) => o?.found === true && !o.valid && o.remainingAttempts >= 0)).toBe(true);
    expect((await store.get(v.id, T0 + 2))?.attempts).toBe(5);
    const invalid = (await store.timeline(v.id)).filter((e) => e.type === 'check_invalid');
    expect(invalid).toHaveLength(5);
  });

  it('counts exactly up to maxAttempts under 100 concurrent wrong checks of an approved verification', async () => {
    const v = newVerification();
    await store.create(v, T0);
    await store.check(v.id, typed(RIGHT), T0 + 1);
    const outcomes = await wrongChecks(v.id, 100, T0 + 2);
    expect(outcomes.every((o) => o?.found === true && !o.valid && !o.transitioned)).toBe(true);
    expect((await store.get(v.id, T0 + 3))?.attempts).toBe(5);
    const invalid = (await store.timeline(v.id)).filter((e) => e.type === 'check_invalid');
    expect(invalid).toHaveLength(5);
    expect(await store.check(v.id, typed(RIGHT), T0 + 4)).toMatchObject({
      valid: false,
      status: 'approved',
      remainingAttempts: 0,
    });
  });
});
