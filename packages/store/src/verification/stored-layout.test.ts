import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verificationKeys } from '../core/keys.ts';
import { sealedOf, storedSeal } from '../core/sealed.ts';
import { newVerification, openStore, T0 } from '../core/test-support.ts';
import { claimOf } from '../sends/sends-doc.ts';
import type { VerificationStore } from './verification-store.ts';

/** What the record and sends document hold in Redis, and that what was stored before reads the same. */

let redis: Redis;
let store: VerificationStore;
let prefix: string;

beforeAll(() => {
  ({ redis, store, prefix } = openStore('layout'));
});
afterAll(() => redis.quit());

// Sealed values as @sendcode/policy makes them: version, key id, iv, tag, ciphertext.
const sealedCode = `v2.k1.${'A'.repeat(16)}.${'B'.repeat(22)}.${'C'.repeat(8)}`;
const sealedPlan = `v2.k1.${'D'.repeat(16)}.${'E'.repeat(22)}.${'F'.repeat(56)}`;
const sealed = { sealedCode, sealedPlan, keyId: 'k1' };

describe('stored layout', () => {
  it('writes no field it can derive, nor the key id head of a sealed value, and reads them back', async () => {
    const v = newVerification(sealed);
    await store.create(v, T0);
    const keys = verificationKeys(prefix, v.id);
    const hash = await redis.hgetall(keys.record);
    for (const derived of ['updatedAt', 'lastSendAt', 'ttlSeconds', 'step'])
      expect(hash).not.toHaveProperty(derived);
    expect(JSON.parse(hash.planMasked ?? '')).toEqual(v.planMasked.map((step) => [step.channel, step.to]));
    expect(hash.sealedCode).toBe(sealedCode.slice('v2.k1.'.length));
    const [, plan] = JSON.parse((await redis.get(keys.sends)) ?? '[]');
    expect(plan).toBe(sealedPlan.slice('v2.k1.'.length));

    const { sealedPlan: _, ...rest } = v;
    const record = { ...rest, status: 'pending', attempts: 0, sends: 1, step: 0 };
    expect(await store.get(v.id, T0)).toEqual({ ...record, updatedAt: T0, lastSendAt: T0 });
    expect((await store.forDelivery(v.id, 1, T0))?.sealedPlan).toBe(sealedPlan);
  });

  it('writes what it cannot derive: another time, a lifetime that is not the TTL, another key', async () => {
    const other = `v2.k0.${'A'.repeat(16)}.${'B'.repeat(22)}.${'C'.repeat(8)}`;
    const v = newVerification({ ...sealed, sealedCode: other, expiresAt: T0 + 300_000 });
    await store.create(v, T0 + 5);
    const hash = await redis.hgetall(verificationKeys(prefix, v.id).record);
    expect(hash).toMatchObject({ updatedAt: String(T0 + 5), lastSendAt: String(T0 + 5), ttlSeconds: '600' });
    expect(hash.sealedCode).toBe(other);
    expect(await store.get(v.id, T0 + 5)).toMatchObject({ ttlSeconds: 600, expiresAt: T0 + 300_000 });
  });

  it('reads a record and sends document as the previous version wrote them, and saves the new layout', async () => {
    const v = newVerification({
      ...sealed,
      channel: 'sms',
      planMasked: [{ channel: 'sms', to: '+81 90-****-0465' }],
    });
    const keys = verificationKeys(prefix, v.id);
    // Every field, sealed values whole, the document an object (HSET order of the previous version).
    const previous = {
      client: v.client,
      status: 'pending',
      planMasked: '[{"channel":"sms","to":"+81 90-****-0465"}]',
      sealedCode,
      codeHash: v.codeHash,
      codeLength: '6',
      locale: v.locale,
      brand: v.brand,
      purpose: v.purpose,
      accountRef: 'acct-42',
      ttlSeconds: '600',
      createdAt: String(T0),
      expiresAt: String(T0 + 600_000),
      updatedAt: String(T0),
      lastSendAt: String(T0),
      attempts: '0',
      maxAttempts: '5',
      sends: '1',
      step: '0',
      channel: 'sms',
      keyId: 'k1',
    };
    await redis.hset(keys.record, previous);
    await redis.set(keys.sends, JSON.stringify({ sends: [[0, 'sms', 'queued', T0]], plan: sealedPlan }));
    const { sealedPlan: _, ...rest } = v;
    const record = {
      ...rest,
      status: 'pending',
      attempts: 0,
      sends: 1,
      step: 0,
      updatedAt: T0,
      lastSendAt: T0,
    };
    expect(await store.get(v.id, T0)).toEqual(record);
    expect(await store.forDelivery(v.id, 1, T0)).toEqual({
      record,
      send: { send: 1, step: 0, channel: 'sms', status: 'queued', queuedAt: T0 },
      sealedPlan,
    });

    const sent = { at: T0 + 10, type: 'sent', step: 0, channel: 'sms', provider: 'twilio' } as const;
    expect(await store.markAccepted(v.id, 1, { ...sent, detail: { providerMessageId: 'SM1' } })).toBe(
      'recorded',
    );
    const [sends, plan] = JSON.parse((await redis.get(keys.sends)) ?? 'null');
    expect(sends).toEqual([[0, 'sms', 'accepted', T0, 'twilio', 'SM1', T0 + 10]]);
    expect(plan).toBe(sealedPlan);
    expect((await store.forDelivery(v.id, 1, T0 + 10))?.sealedPlan).toBe(sealedPlan);
    // advance reads the plan's steps as they were written too.
    const event = { type: 'resend', at: T0 + 20 } as const;
    const resend = { kind: 'resend', step: 0, channel: 'sms', nowMs: T0 + 20, maxSends: 5, event } as const;
    const advanced = await store.advance(v.id, resend);
    expect(advanced).toEqual({ ok: true, send: 2 });
    expect(await store.get(v.id, T0 + 20)).toMatchObject({ sends: 2, step: 0, lastSendAt: T0 + 20 });
  });
});

describe('timeline rows', () => {
  it("lead with the type and put `to` before `provider`: a 'created' event needs no null", async () => {
    const v = newVerification();
    await store.create(v, T0);
    const created = await redis.get(verificationKeys(prefix, v.id).timeline);
    expect(created).toBe(JSON.stringify(['created', T0, 0, 'email', 'ta***@docomo.ne.jp']));
  });

  it("count `at` from the first row's and stand for a step's repeated destination by true", async () => {
    const v = newVerification(); // email 'ta***@docomo.ne.jp' at step 0, sms '+81******5678' at step 1
    await store.create(v, T0);
    const sent = { type: 'sent', step: 0, channel: 'email', provider: 'smtp', detail: { send: 1 } } as const;
    await store.appendEvent(v.id, { ...sent, at: T0 + 1500, to: 'ta***@docomo.ne.jp' });
    await store.appendEvent(v.id, { ...sent, at: T0 + 1600, to: 'other' });
    await store.appendEvent(v.id, {
      type: 'failover',
      at: T0 + 2000,
      step: 1,
      channel: 'sms',
      to: '+81******5678',
    });
    await store.appendEvent(v.id, { ...sent, at: T0 + 2100, step: 1, channel: 'sms', to: '+81******5678' });
    await store.appendEvent(v.id, { ...sent, at: T0 + 2200, to: 'other' });
    const raw = await redis.get(verificationKeys(prefix, v.id).timeline);
    expect(JSON.parse(`[${raw}]`).map((row: unknown[]) => row.slice(0, 5))).toEqual([
      ['created', T0, 0, 'email', 'ta***@docomo.ne.jp'],
      ['sent', 1500, 0, 'email', true],
      ['sent', 1600, 0, 'email', 'other'],
      ['failover', 2000, 1, 'sms', '+81******5678'],
      ['sent', 2100, 1, 'sms', true],
      ['sent', 2200, 0, 'email', true],
    ]);
    const events = await store.timeline(v.id);
    expect(events.map((e) => [e.at, e.to])).toEqual([
      [T0, 'ta***@docomo.ne.jp'],
      [T0 + 1500, 'ta***@docomo.ne.jp'],
      [T0 + 1600, 'other'],
      [T0 + 2000, '+81******5678'],
      [T0 + 2100, '+81******5678'],
      [T0 + 2200, 'other'],
    ]);
  });

  it('refuse a true destination that refers to nothing', async () => {
    const v = newVerification();
    await store.create(v, T0);
    await redis.append(verificationKeys(prefix, v.id).timeline, ',["sent",5,3,"sms",true]');
    await expect(store.timeline(v.id)).rejects.toThrow('"to" refers to no earlier destination of its step');
  });

  it('read the same when led by `at` in a list, as the previous version wrote them', async () => {
    const v = newVerification();
    await store.create(v, T0);
    const sent = [T0 + 1, 'sent', 0, 'sms', 'twilio', '+81 90-****-0465', { send: 1 }];
    const delivered = [T0 + 2, 'delivered', 0, 'sms', 'twilio', null, { send: 1 }];
    const key = verificationKeys(prefix, v.id).timelineList;
    await redis.rpush(key, JSON.stringify(sent), JSON.stringify(delivered));
    const where = { step: 0, channel: 'sms', provider: 'twilio' };
    expect((await store.timeline(v.id)).slice(0, 2)).toEqual([
      { at: T0 + 1, type: 'sent', ...where, to: '+81 90-****-0465', detail: { send: 1 } },
      { at: T0 + 2, type: 'delivered', ...where, detail: { send: 1 } },
    ]);
  });
});

describe('sealed values without their head', () => {
  it('strips only the head of the record key id, and puts it back only where it is missing', () => {
    expect(storedSeal(sealedCode, 'k1')).toBe(sealedCode.slice(6));
    expect(sealedOf(storedSeal(sealedCode, 'k1'), 'k1')).toBe(sealedCode);
    expect(storedSeal(sealedCode, 'k2')).toBe(sealedCode);
    expect(storedSeal(sealedCode, undefined)).toBe(sealedCode);
    expect(sealedOf(sealedCode, 'k1')).toBe(sealedCode);
    expect(sealedOf('v3.k9.rest', 'k1')).toBe('v3.k9.rest');
    expect(sealedOf('sealed-code-blob', undefined)).toBe('sealed-code-blob');
  });
});

describe('receipt claims', () => {
  it('are 22 base64url characters, one per scope and nonce', () => {
    expect(claimOf('twilio', 'sig-1')).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(claimOf('twilio', 'sig-1')).toBe(claimOf('twilio', 'sig-1'));
    expect(claimOf('vonage-sms', 'sig-1')).not.toBe(claimOf('twilio', 'sig-1'));
  });
});
