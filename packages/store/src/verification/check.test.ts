import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verificationKeys } from '../core/keys.ts';
import { newVerification, openStore, RIGHT, T0, typed, WRONG } from '../core/test-support.ts';
import type { VerificationStore } from './verification-store.ts';

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
  return [code, sends === null ? null : (JSON.parse(sends)[1] ?? null)]; // [sends, plan, claims]
}

describe('check', () => {
  it('reports an unknown id as not found', async () => {
    expect(await store.check('ver_nope', typed(RIGHT), T0)).toEqual({ found: false });
  });

  it('approves the right code once, then answers valid idempotently without counting it', async () => {
    const v = newVerification();
    await store.create(v, T0);
    const before = await store.get(v.id, T0 + 1);
    expect(await store.check(v.id, typed(RIGHT), T0 + 1)).toEqual({
      found: true,
      valid: true,
      status: 'approved',
      remainingAttempts: 5,
      transitioned: true,
      record: before,
    });
    expect(await store.check(v.id, typed(RIGHT), T0 + 2)).toMatchObject({
      valid: true,
      status: 'approved',
      transitioned: false,
    });
    expect((await store.get(v.id, T0 + 3))?.attempts).toBe(0);
    expect((await store.timeline(v.id)).map((e) => e.type)).toEqual(['created', 'check_valid', 'approved']);
  });

  it('counts wrong codes after approval against the same attempts, then refuses even the right code', async () => {
    const v = newVerification();
    await store.create(v, T0);
    await store.check(v.id, typed(WRONG), T0 + 1);
    await store.check(v.id, typed(RIGHT), T0 + 2);
    for (let i = 2; i <= 5; i += 1) {
      expect(await store.check(v.id, typed(WRONG), T0 + 2 + i)).toMatchObject({
        valid: false,
        status: 'approved',
        remainingAttempts: 5 - i,
        transitioned: false,
      });
    }
    // Used up: no more counting, and the right code no longer passes; the status stays what happened.
    expect(await store.check(v.id, typed(WRONG), T0 + 10)).toMatchObject({
      valid: false,
      remainingAttempts: 0,
    });
    expect(await store.check(v.id, typed(RIGHT), T0 + 11)).toMatchObject({
      valid: false,
      status: 'approved',
      remainingAttempts: 0,
      transitioned: false,
    });
    expect(await store.get(v.id, T0 + 12)).toMatchObject({ status: 'approved', attempts: 5 });
    const timeline = await store.timeline(v.id);
    expect(timeline.map((e) => e.type)).toEqual([
      'created',
      'check_invalid',
      'check_valid',
      'approved',
      ...Array<string>(4).fill('check_invalid'),
    ]);
    expect(timeline.at(-1)).toMatchObject({ detail: { attempt: 5, status: 'approved' } });
  });

  it('counts every check of a dead verification (expired, canceled, failed, locked), up to maxAttempts', async () => {
    const expired = newVerification({ expiresAt: T0 + 50 });
    const canceled = newVerification();
    const failed = newVerification();
    const locked = newVerification({ maxAttempts: 1 });
    for (const v of [expired, canceled, failed, locked]) await store.create(v, T0);
    await store.cancel(canceled.id, T0 + 1);
    await store.markFailed(failed.id, T0 + 1, { reason: 'test' });
    await store.check(locked.id, typed(WRONG), T0 + 1);

    // The check that expires a verification counts its wrong code too.
    expect(await store.check(expired.id, typed(WRONG), T0 + 60)).toMatchObject({
      valid: false,
      status: 'expired',
      remainingAttempts: 4,
      transitioned: true,
    });
    for (const v of [canceled, failed]) {
      // The right code no longer works, and counts like a guess: the count tells a guesser nothing.
      expect(await store.check(v.id, typed(RIGHT), T0 + 61)).toMatchObject({
        valid: false,
        remainingAttempts: 4,
      });
      expect(await store.check(v.id, typed(WRONG), T0 + 62)).toMatchObject({
        valid: false,
        remainingAttempts: 3,
        transitioned: false,
      });
    }
    for (let i = 0; i < 10; i += 1) await store.check(expired.id, typed(WRONG), T0 + 70 + i);
    expect(await store.check(locked.id, typed(WRONG), T0 + 80)).toMatchObject({
      status: 'locked',
      remainingAttempts: 0,
    });

    expect(await store.get(expired.id, T0 + 90)).toMatchObject({ status: 'expired', attempts: 5 });
    expect(await store.get(canceled.id, T0 + 90)).toMatchObject({ status: 'canceled', attempts: 2 });
    expect(await store.get(failed.id, T0 + 90)).toMatchObject({ status: 'failed', attempts: 2 });
    expect(await store.get(locked.id, T0 + 90)).toMatchObject({ status: 'locked', attempts: 1 });
    const expiredTypes = (await store.timeline(expired.id)).map((e) => e.type);
    expect(expiredTypes).toEqual(['created', 'expired', ...Array<string>(5).fill('check_invalid')]);
    expect((await store.timeline(locked.id)).map((e) => e.type)).toEqual([
      'created',
      'check_invalid',
      'locked',
    ]);
  });

  it('counts wrong codes, locks at maxAttempts, and refuses the right code once locked', async () => {
    const v = newVerification();
    await store.create(v, T0);
    for (let i = 1; i <= 4; i += 1) {
      expect(await store.check(v.id, typed(WRONG), T0 + i)).toMatchObject({
        valid: false,
        status: 'pending',
        remainingAttempts: 5 - i,
        transitioned: false,
      });
    }
    expect(await store.check(v.id, typed(WRONG), T0 + 5)).toMatchObject({
      valid: false,
      status: 'locked',
      remainingAttempts: 0,
      transitioned: true,
    });
    expect(await store.check(v.id, typed(RIGHT), T0 + 6)).toMatchObject({
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
    expect(await store.check(v.id, typed(RIGHT), T0 + 60)).toMatchObject({
      valid: false,
      status: 'expired',
      transitioned: true,
    });
    expect(await store.check(v.id, typed(RIGHT), T0 + 70)).toMatchObject({
      valid: false,
      status: 'expired',
      transitioned: false,
    });
    expect((await store.timeline(v.id)).map((e) => e.type)).toEqual([
      'created',
      'expired',
      'check_invalid',
      'check_invalid',
    ]);
    expect(await redis.hget(verificationKeys(prefix, v.id).record, 'status')).toBe('expired');
  });

  it('deletes the sealed code and plan and shortens the TTL at every final status', async () => {
    const approved = newVerification();
    const locked = newVerification({ maxAttempts: 1 });
    const expired = newVerification({ expiresAt: T0 + 50 });
    for (const v of [approved, locked, expired]) await store.create(v, T0);
    const recordTtl = await redis.ttl(verificationKeys(prefix, approved.id).record);
    expect(recordTtl).toBeGreaterThan(RETENTION + 500);

    await store.check(approved.id, typed(RIGHT), T0 + 1);
    await store.check(locked.id, typed(WRONG), T0 + 1);
    await store.check(expired.id, typed(RIGHT), T0 + 100);
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
    await store.check(v.id, typed(WRONG), T0 + 1);
    expect(await sealedFields(v.id)).toEqual(['sealed-code-blob', 'sealed-plan-blob']);
  });

  it('compares hashes of different lengths as unequal', async () => {
    const v = newVerification();
    await store.create(v, T0);
    expect(await store.check(v.id, typed(RIGHT.slice(0, 63)), T0 + 1)).toMatchObject({
      valid: false,
      status: 'pending',
    });
    expect(await store.check(v.id, typed(`${RIGHT}a`), T0 + 1)).toMatchObject({
      valid: false,
      status: 'pending',
    });
    expect(await store.check(v.id, typed(''), T0 + 1)).toMatchObject({ valid: false, status: 'pending' });
  });
});
