import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testRedis } from '../../../test/helpers/redis.ts';
import { verificationKeys } from './keys.ts';
import { newVerification, openStore, RIGHT, T0, WRONG } from './test-support.ts';
import { createVerificationStore, type VerificationStore } from './verification-store.ts';

const RETENTION = 3600;

let redis: Redis;
let store: VerificationStore;
let prefix: string;

beforeAll(() => {
  ({ redis, store, prefix } = openStore('check', { retentionSeconds: RETENTION }));
});
afterAll(() => redis.quit());

/** The sealed code (in the record) and the sealed plan (in the sends document). */
async function sealedFields(id: string): Promise<(string | null)[]> {
  const keys = verificationKeys(prefix, id);
  const [code, sends] = await Promise.all([redis.hget(keys.record, 'sealedCode'), redis.get(keys.sends)]);
  return [code, sends === null ? null : (JSON.parse(sends).plan ?? null)];
}

describe('check', () => {
  it('reports an unknown id as not found', async () => {
    expect(await store.check('ver_nope', RIGHT, T0)).toEqual({ found: false });
  });

  it('approves the right code once, then answers valid idempotently without counting', async () => {
    const v = newVerification();
    await store.create(v, T0);
    expect(await store.check(v.id, RIGHT, T0 + 1)).toEqual({
      found: true,
      valid: true,
      status: 'approved',
      remainingAttempts: 5,
      transitioned: true,
      channel: 'email',
      createdAt: T0,
    });
    expect(await store.check(v.id, RIGHT, T0 + 2)).toMatchObject({
      valid: true,
      status: 'approved',
      transitioned: false,
    });
    expect(await store.check(v.id, WRONG, T0 + 3)).toMatchObject({
      valid: false,
      status: 'approved',
      remainingAttempts: 5,
      transitioned: false,
    });
    expect((await store.get(v.id, T0 + 4))?.attempts).toBe(0);
    expect((await store.timeline(v.id)).map((e) => e.type)).toEqual(['created', 'check_valid', 'approved']);
  });

  it('counts wrong codes, locks at maxAttempts, and refuses the right code once locked', async () => {
    const v = newVerification();
    await store.create(v, T0);
    for (let i = 1; i <= 4; i += 1) {
      expect(await store.check(v.id, WRONG, T0 + i)).toMatchObject({
        valid: false,
        status: 'pending',
        remainingAttempts: 5 - i,
        transitioned: false,
      });
    }
    expect(await store.check(v.id, WRONG, T0 + 5)).toMatchObject({
      valid: false,
      status: 'locked',
      remainingAttempts: 0,
      transitioned: true,
    });
    expect(await store.check(v.id, RIGHT, T0 + 6)).toMatchObject({
      valid: false,
      status: 'locked',
      remainingAttempts: 0,
      transitioned: false,
    });
    expect((await store.get(v.id, T0 + 7))?.attempts).toBe(5);
    const types = (await store.timeline(v.id)).map((e) => e.type);
    expect(types).toEqual(['created', ...Array<string>(5).fill('check_invalid'), 'locked']);
  });

  it('expires a pending verification once, then answers expired without a transition', async () => {
    const v = newVerification({ expiresAt: T0 + 50 });
    await store.create(v, T0);
    expect(await store.check(v.id, RIGHT, T0 + 60)).toMatchObject({
      valid: false,
      status: 'expired',
      transitioned: true,
    });
    expect(await store.check(v.id, RIGHT, T0 + 70)).toMatchObject({
      valid: false,
      status: 'expired',
      transitioned: false,
    });
    expect((await store.timeline(v.id)).map((e) => e.type)).toEqual(['created', 'expired']);
    expect(await redis.hget(verificationKeys(prefix, v.id).record, 'status')).toBe('expired');
  });

  it('deletes the sealed code and plan and shortens the TTL at every final status', async () => {
    const approved = newVerification();
    const locked = newVerification({ maxAttempts: 1 });
    const expired = newVerification({ expiresAt: T0 + 50 });
    for (const v of [approved, locked, expired]) await store.create(v, T0);
    const recordTtl = await redis.ttl(verificationKeys(prefix, approved.id).record);
    expect(recordTtl).toBeGreaterThan(RETENTION + 500);

    await store.check(approved.id, RIGHT, T0 + 1);
    await store.check(locked.id, WRONG, T0 + 1);
    await store.check(expired.id, RIGHT, T0 + 100);
    for (const v of [approved, locked, expired]) {
      expect(await sealedFields(v.id)).toEqual([null, null]);
      const ttl = await redis.ttl(verificationKeys(prefix, v.id).record);
      expect(ttl).toBeGreaterThan(RETENTION - 5);
      expect(ttl).toBeLessThanOrEqual(RETENTION);
      expect(await redis.ttl(verificationKeys(prefix, v.id).timeline)).toBeGreaterThan(RETENTION);
    }
  });

  it('keeps the sealed fields while pending after a wrong code', async () => {
    const v = newVerification();
    await store.create(v, T0);
    await store.check(v.id, WRONG, T0 + 1);
    expect(await sealedFields(v.id)).toEqual(['sealed-code-blob', 'sealed-plan-blob']);
  });

  it('never counts past maxAttempts under 50 concurrent wrong checks', async () => {
    const connections = Array.from({ length: 5 }, () => testRedis());
    try {
      const stores = connections.map((connection) => createVerificationStore({ redis: connection, prefix }));
      const v = newVerification();
      await store.create(v, T0);
      const outcomes = await Promise.all(
        Array.from({ length: 50 }, (_, i) => stores[i % stores.length]?.check(v.id, WRONG, T0 + 1)),
      );
      const locks = outcomes.filter((o) => o?.found === true && o.transitioned && o.status === 'locked');
      expect(locks).toHaveLength(1);
      expect(outcomes.every((o) => o?.found === true && !o.valid && o.remainingAttempts >= 0)).toBe(true);
      expect((await store.get(v.id, T0 + 2))?.attempts).toBe(5);
      const invalid = (await store.timeline(v.id)).filter((e) => e.type === 'check_invalid');
      expect(invalid).toHaveLength(5);
    } finally {
      await Promise.all(connections.map((connection) => connection.quit()));
    }
  });

  it('compares hashes of different lengths as unequal', async () => {
    const v = newVerification();
    await store.create(v, T0);
    expect(await store.check(v.id, RIGHT.slice(0, 63), T0 + 1)).toMatchObject({
      valid: false,
      status: 'pending',
    });
    expect(await store.check(v.id, `${RIGHT}a`, T0 + 1)).toMatchObject({ valid: false, status: 'pending' });
    expect(await store.check(v.id, '', T0 + 1)).toMatchObject({ valid: false, status: 'pending' });
  });
});
