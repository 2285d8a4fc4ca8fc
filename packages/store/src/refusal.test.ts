import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verificationKeys } from './keys.ts';
import { newId, newVerification, openStore, RIGHT, T0 } from './test-support.ts';
import type { RefusedStart } from './types.ts';
import type { VerificationStore } from './verification-store.ts';

const RETENTION = 3600;
const TIMELINE_RETENTION = 7200;

let redis: Redis;
let store: VerificationStore;
let prefix: string;

beforeAll(() => {
  ({ redis, store, prefix } = openStore('refusal', {
    retentionSeconds: RETENTION,
    timelineRetentionSeconds: TIMELINE_RETENTION,
  }));
});
afterAll(() => redis.quit());

function refusal(overrides: Partial<RefusedStart> = {}): RefusedStart {
  return {
    id: newId(),
    client: 'acme',
    planMasked: [{ channel: 'sms', to: '+81******5678' }],
    purpose: 'sign_in',
    accountRef: 'acct-7',
    reason: 'rate_limited',
    detail: { scope: 'destination', retryAfterMs: 120_000 },
    nowMs: T0,
    ...overrides,
  };
}

describe('recordRefusal', () => {
  it('stores a failed record with the reason and a timeline of one refused event', async () => {
    const r = refusal();
    await store.recordRefusal(r);
    expect(await store.get(r.id, T0 + 1)).toEqual({
      id: r.id,
      client: 'acme',
      status: 'failed',
      planMasked: r.planMasked,
      sealedPlan: undefined,
      sealedCode: undefined,
      codeHash: '',
      codeLength: 0,
      locale: '',
      brand: '',
      purpose: 'sign_in',
      accountRef: 'acct-7',
      ttlSeconds: 0,
      createdAt: T0,
      expiresAt: T0,
      updatedAt: T0,
      attempts: 0,
      maxAttempts: 0,
      sends: 0,
      step: 0,
      channel: 'sms',
      lastSendAt: T0,
      refused: { reason: 'rate_limited' },
    });
    expect(await store.timeline(r.id)).toEqual([
      {
        at: T0,
        type: 'refused',
        step: 0,
        channel: 'sms',
        to: '+81******5678',
        detail: { scope: 'destination', retryAfterMs: 120_000, reason: 'rate_limited' },
      },
    ]);
    expect(await store.sends(r.id)).toEqual([]);
  });

  it('keeps the record for the final-state retention and the timeline for its own', async () => {
    const { accountRef: _none, ...r } = refusal({
      reason: 'destination_blocked',
      detail: { prefix: '+88210' },
    });
    await store.recordRefusal(r);
    const keys = verificationKeys(prefix, r.id);
    const recordTtl = await redis.ttl(keys.record);
    expect(recordTtl).toBeGreaterThan(RETENTION - 5);
    expect(recordTtl).toBeLessThanOrEqual(RETENTION);
    const timelineTtl = await redis.ttl(keys.timeline);
    expect(timelineTtl).toBeGreaterThan(TIMELINE_RETENTION - 5);
    expect(timelineTtl).toBeLessThanOrEqual(TIMELINE_RETENTION);
    expect((await store.get(r.id, T0))?.accountRef).toBeUndefined();
  });

  it('answers a check invalid and failed, counting nothing', async () => {
    const r = refusal();
    await store.recordRefusal(r);
    for (const hash of [RIGHT, '']) {
      expect(await store.check(r.id, hash, T0 + 1)).toEqual({
        found: true,
        valid: false,
        status: 'failed',
        remainingAttempts: 0,
        transitioned: false,
        channel: 'sms',
        createdAt: T0,
      });
    }
    expect((await store.get(r.id, T0 + 2))?.attempts).toBe(0);
    expect((await store.timeline(r.id)).map((e) => e.type)).toEqual(['refused']);
    expect(await store.cancel(r.id, T0 + 3)).toEqual({ found: true, status: 'failed', transitioned: false });
  });

  it('refuses an id in use and writes nothing', async () => {
    const v = newVerification();
    await store.create(v, T0);
    await expect(store.recordRefusal(refusal({ id: v.id }))).rejects.toMatchObject({ code: 'id_taken' });
    expect((await store.get(v.id, T0))?.status).toBe('pending');
    expect((await store.timeline(v.id)).map((e) => e.type)).toEqual(['created']);
  });

  it('refuses input it could not read back', async () => {
    await expect(store.recordRefusal(refusal({ planMasked: [] }))).rejects.toMatchObject({
      code: 'invalid_argument',
    });
    await expect(store.recordRefusal(refusal({ reason: '' }))).rejects.toMatchObject({
      code: 'invalid_argument',
    });
    await expect(store.recordRefusal(refusal({ detail: { bad: Number.NaN } }))).rejects.toMatchObject({
      code: 'invalid_argument',
    });
  });
});

describe('keyId', () => {
  it('round-trips the id of the key that sealed the code', async () => {
    const v = newVerification({ keyId: 'k-2025-01' });
    await store.create(v, T0);
    expect((await store.get(v.id, T0))?.keyId).toBe('k-2025-01');
    await store.check(v.id, RIGHT, T0 + 1);
    expect(await store.get(v.id, T0 + 2)).toMatchObject({ status: 'approved', keyId: 'k-2025-01' });
  });

  it('is absent when not given', async () => {
    const v = newVerification();
    await store.create(v, T0);
    const record = await store.get(v.id, T0);
    expect(record !== null && 'keyId' in record).toBe(false);
    expect(record !== null && 'refused' in record).toBe(false);
  });
});
