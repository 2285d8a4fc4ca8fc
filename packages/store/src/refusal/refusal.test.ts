import { uniquePrefix } from '@sendcode/testing';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verificationKeys } from '../core/keys.ts';
import { newVerification, openStore, RIGHT, slotPart, T0, typed } from '../core/test-support.ts';
import type { RefusalOutcome, RefusedStart } from '../core/types.ts';
import { createVerificationStore, type VerificationStore } from '../verification/verification-store.ts';
import { REFUSAL_WINDOW_MS, refusalQuotaKey } from './refusal.ts';

const RETENTION = 3600;
const MINUTE = 60_000;

let redis: Redis;
let store: VerificationStore;
let prefix: string;

beforeAll(() => {
  ({ redis, store, prefix } = openStore('refusal', {
    retentionSeconds: RETENTION,
    timelineRetentionSeconds: 7200,
  }));
});
afterAll(() => redis.quit());

let destinations = 0;

/** A refusal to a destination no other test refuses; override what a test cares about. */
function refusal(overrides: Partial<RefusedStart> = {}): RefusedStart {
  destinations += 1;
  return {
    client: 'acme',
    lookupHash: `dest-${destinations}`,
    planMasked: [{ channel: 'sms', to: '+81******5678' }],
    purpose: 'sign_in',
    accountRef: 'acct-7',
    reason: 'rate_limited',
    rule: 'destination',
    detail: { scope: 'destination' },
    nowMs: T0,
    ...overrides,
  };
}

function stored(outcome: RefusalOutcome) {
  if (!outcome.stored) throw new Error('the refusal was not stored');
  return outcome;
}

describe('recordRefusal', () => {
  it('stores a failed record with the reason, counted once, and a timeline of one refused event', async () => {
    const r = refusal();
    const outcome = stored(await store.recordRefusal(r));
    expect(outcome).toEqual({
      stored: true,
      id: expect.stringMatching(/^ver_[0-9a-f]{32}$/),
      count: 1,
      firstAt: T0,
      retainedUntil: T0 + REFUSAL_WINDOW_MS + RETENTION * 1000,
    });
    expect(await store.get(outcome.id, T0 + 1)).toEqual({
      id: outcome.id,
      client: 'acme',
      status: 'failed',
      planMasked: r.planMasked,
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
      refused: { reason: 'rate_limited', count: 1, firstAt: T0, lastAt: T0 },
    });
    expect(await store.timeline(outcome.id)).toEqual([
      {
        at: T0,
        type: 'refused',
        step: 0,
        channel: 'sms',
        to: '+81******5678',
        detail: { scope: 'destination', reason: 'rate_limited' },
      },
    ]);
    expect(await store.sends(outcome.id)).toEqual([]);
  });

  it('counts repeats within the hour on the one record: same id, count, first and latest time, one event', async () => {
    const r = refusal({ nowMs: T0 + 5 * MINUTE });
    const first = stored(await store.recordRefusal(r));
    const keys = verificationKeys(prefix, first.id);
    const size = async () => (await redis.memory('USAGE', keys.record, 'SAMPLES', 0)) ?? 0;
    const sizeAfterOne = await size();
    let last = first;
    for (let i = 1; i < 50; i += 1) {
      // Later repeats may differ in what is not part of the refusal's identity: purpose, plan, detail.
      last = stored(
        await store.recordRefusal({
          ...r,
          purpose: `p_${i}`,
          planMasked: [{ channel: 'voice', to: '+81******0000' }],
          detail: { scope: 'destination', retryAfterMs: i },
          nowMs: T0 + 5 * MINUTE + i * 1000,
        }),
      );
    }
    expect(last).toEqual({ ...first, count: 50 });
    expect(await store.get(first.id, T0 + 10 * MINUTE)).toMatchObject({
      purpose: 'sign_in',
      planMasked: r.planMasked,
      createdAt: T0 + 5 * MINUTE,
      updatedAt: T0 + 5 * MINUTE + 49_000,
      refused: {
        reason: 'rate_limited',
        count: 50,
        firstAt: T0 + 5 * MINUTE,
        lastAt: T0 + 5 * MINUTE + 49_000,
      },
    });
    expect(await store.timeline(first.id)).toHaveLength(1);
    expect(await size()).toBeLessThan(sizeAfterOne + 16);
  });

  it('keeps one refusal per client, destination, reason and rule per hour', async () => {
    const r = refusal({ nowMs: T0 + 59 * MINUTE });
    const ids = await Promise.all(
      [
        r,
        { ...r, client: 'globex' },
        { ...r, lookupHash: 'another-destination' },
        { ...r, reason: 'destination_blocked', rule: 'country' },
        { ...r, rule: 'ip' },
        { ...r, nowMs: T0 + 61 * MINUTE },
      ].map(async (each) => stored(await store.recordRefusal(each)).id),
    );
    expect(new Set(ids).size).toBe(6);
    expect(stored(await store.recordRefusal({ ...r, nowMs: T0 })).id).toBe(ids[0]);
  });

  it('counts concurrent repeats exactly, on one record, and takes one slot of the quota', async () => {
    const r = refusal({ nowMs: T0 + 2 * REFUSAL_WINDOW_MS });
    const outcomes = await Promise.all(Array.from({ length: 30 }, () => store.recordRefusal(r)));
    const ids = new Set(outcomes.map((o) => stored(o).id));
    expect(ids.size).toBe(1);
    expect(outcomes.map((o) => stored(o).count).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 30 }, (_, i) => i + 1),
    );
    const [id] = [...ids];
    expect((await store.get(id as string, r.nowMs))?.refused?.count).toBe(30);
    expect(await redis.get(refusalQuotaKey(prefix, 'acme', r.nowMs))).toBe('1');
  });

  it('keeps record and timeline for the final-state retention from the latest refusal', async () => {
    const { accountRef: _none, ...r } = refusal({
      reason: 'destination_blocked',
      rule: 'country',
      detail: { block: 'country' },
    });
    const { id } = stored(await store.recordRefusal(r));
    const keys = verificationKeys(prefix, id);
    for (const key of [keys.record, keys.timeline]) await redis.expire(key, 10);
    await store.recordRefusal({ ...r, nowMs: T0 + 1000 });
    for (const key of [keys.record, keys.timeline]) {
      const ttl = await redis.ttl(key);
      expect(ttl).toBeGreaterThan(RETENTION - 5);
      expect(ttl).toBeLessThanOrEqual(RETENTION);
    }
    expect((await store.get(id, T0))?.accountRef).toBeUndefined();
  });

  it('answers a check invalid and failed, counting nothing', async () => {
    const { id } = stored(await store.recordRefusal(refusal()));
    for (const hash of [RIGHT, '']) {
      expect(await store.check(id, typed(hash, 'acme'), T0 + 1)).toMatchObject({
        found: true,
        valid: false,
        status: 'failed',
        remainingAttempts: 0,
        transitioned: false,
        record: { channel: 'sms', createdAt: T0, status: 'failed' },
      });
    }
    expect((await store.get(id, T0 + 2))?.attempts).toBe(0);
    expect((await store.timeline(id)).map((e) => e.type)).toEqual(['refused']);
    expect(await store.cancel(id, T0 + 3)).toEqual({ found: true, status: 'failed', transitioned: false });
  });

  it('puts the keys of one refusal in one slot, and the quota in the client slot', async () => {
    const { id } = stored(await store.recordRefusal(refusal()));
    const keys = verificationKeys(prefix, id);
    expect(new Set([keys.record, keys.timeline, keys.sends].map(slotPart))).toEqual(new Set([id]));
    expect(slotPart(refusalQuotaKey(prefix, 'acme', T0))).toBe('acme');
  });

  it('refuses an id held by a verification that is not a refusal, and writes nothing', async () => {
    const r = refusal();
    const elsewhere = createVerificationStore({ redis, prefix: uniquePrefix('refusal-elsewhere') });
    const { id } = stored(await elsewhere.recordRefusal(r));
    await store.create(newVerification({ id }), T0);
    await expect(store.recordRefusal(r)).rejects.toMatchObject({ code: 'id_taken' });
    expect((await store.get(id, T0))?.status).toBe('pending');
    expect((await store.timeline(id)).map((e) => e.type)).toEqual(['created']);
  });

  it('refuses input it could not read back', async () => {
    for (const bad of [
      { planMasked: [] },
      { reason: '' },
      { rule: '' },
      { lookupHash: '' },
      { client: 'a{b}' },
      { detail: { bad: Number.NaN } },
    ]) {
      await expect(store.recordRefusal(refusal(bad))).rejects.toMatchObject({ code: 'invalid_argument' });
    }
  });
});

describe('refusal quota', () => {
  const quotaStore = () =>
    createVerificationStore({ redis, prefix: uniquePrefix('refusal-quota'), refusalQuota: 3 });

  it('keeps at most the quota of distinct refusals per client and hour; repeats of those still count', async () => {
    const q = quotaStore();
    const kept = [refusal(), refusal(), refusal()];
    const first = stored(await q.recordRefusal(kept[0] as RefusedStart));
    for (const r of kept.slice(1)) stored(await q.recordRefusal(r));
    const over = refusal();
    expect(await q.recordRefusal(over)).toEqual({ stored: false, dropped: 1 });
    expect(await q.recordRefusal(over)).toEqual({ stored: false, dropped: 2 });
    expect(await q.recordRefusal(refusal())).toEqual({ stored: false, dropped: 3 });
    // A refusal kept before the quota filled goes on counting.
    expect(await q.recordRefusal(kept[0] as RefusedStart)).toEqual({ ...first, count: 2 });
    // Another client, and the next hour, have their own quota.
    expect(await q.recordRefusal(refusal({ client: 'globex' }))).toMatchObject({ stored: true });
    expect(await q.recordRefusal(refusal({ nowMs: T0 + REFUSAL_WINDOW_MS }))).toMatchObject({ stored: true });
  });

  it('rejects a quota that is not a positive integer', () => {
    expect(() => createVerificationStore({ redis, refusalQuota: 0 })).toThrow(/refusalQuota/);
  });
});

describe('keyId', () => {
  it('round-trips the id of the key that sealed the code', async () => {
    const v = newVerification({ keyId: 'k-2025-01' });
    await store.create(v, T0);
    expect((await store.get(v.id, T0))?.keyId).toBe('k-2025-01');
    await store.check(v.id, typed(RIGHT), T0 + 1);
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
