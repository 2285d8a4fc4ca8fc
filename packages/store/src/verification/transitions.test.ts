import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verificationKeys } from '../core/keys.ts';
import { newVerification, openStore, RIGHT, T0, typed } from '../core/test-support.ts';
import type { VerificationStore } from './verification-store.ts';

let redis: Redis;
let store: VerificationStore;
let prefix: string;

beforeAll(() => {
  ({ redis, store, prefix } = openStore('transitions', { retentionSeconds: 3600 }));
});
afterAll(() => redis.quit());

describe('cancel', () => {
  it('cancels a pending verification once and drops its sealed fields', async () => {
    const v = newVerification();
    await store.create(v, T0);
    expect(await store.cancel(v.id, T0 + 1)).toEqual({ found: true, status: 'canceled', transitioned: true });
    expect(await store.cancel(v.id, T0 + 2)).toEqual({
      found: true,
      status: 'canceled',
      transitioned: false,
    });
    const record = await store.get(v.id, T0 + 3);
    expect(record).toMatchObject({ status: 'canceled', sealedCode: undefined });
    expect((await store.forDelivery(v.id, 1, T0 + 3))?.sealedPlan).toBeUndefined();
    expect(await store.check(v.id, typed(RIGHT), T0 + 4)).toMatchObject({ valid: false, status: 'canceled' });
    // No code works on a canceled verification: the check counts like a guess.
    expect((await store.timeline(v.id)).map((e) => e.type)).toEqual(['created', 'canceled', 'check_invalid']);
    expect(await redis.ttl(verificationKeys(prefix, v.id).record)).toBeLessThanOrEqual(3600);
  });

  it('leaves a final verification as it is', async () => {
    const v = newVerification();
    await store.create(v, T0);
    await store.check(v.id, typed(RIGHT), T0 + 1);
    expect(await store.cancel(v.id, T0 + 2)).toEqual({
      found: true,
      status: 'approved',
      transitioned: false,
    });
  });

  it('expires instead of canceling past expiresAt', async () => {
    const v = newVerification({ expiresAt: T0 + 50 });
    await store.create(v, T0);
    expect(await store.cancel(v.id, T0 + 60)).toEqual({ found: true, status: 'expired', transitioned: true });
    expect((await store.timeline(v.id)).map((e) => e.type)).toEqual(['created', 'expired']);
  });

  it('reports an unknown id as not found', async () => {
    expect(await store.cancel('ver_nope', T0)).toEqual({ found: false });
  });
});

describe('markFailed', () => {
  it('fails a pending verification with a delivery_failed event carrying the detail', async () => {
    const v = newVerification();
    await store.create(v, T0);
    const detail = { reason: 'plan_exhausted', steps: 2, permanent: true };
    expect(await store.markFailed(v.id, T0 + 1, detail)).toEqual({
      found: true,
      status: 'failed',
      transitioned: true,
    });
    expect(await store.markFailed(v.id, T0 + 2, detail)).toEqual({
      found: true,
      status: 'failed',
      transitioned: false,
    });
    expect((await store.timeline(v.id)).at(-1)).toEqual({ at: T0 + 1, type: 'delivery_failed', detail });
    expect((await store.get(v.id, T0 + 3))?.sealedCode).toBeUndefined();
  });

  it('refuses a detail JSON could not carry', async () => {
    const v = newVerification();
    await store.create(v, T0);
    await expect(store.markFailed(v.id, T0 + 1, { steps: Number.NaN })).rejects.toMatchObject({
      code: 'invalid_argument',
    });
    expect((await store.get(v.id, T0 + 2))?.status).toBe('pending');
  });

  it('omits an empty detail', async () => {
    const v = newVerification();
    await store.create(v, T0);
    await store.markFailed(v.id, T0 + 1, {});
    expect((await store.timeline(v.id)).at(-1)).toEqual({ at: T0 + 1, type: 'delivery_failed' });
  });
});
