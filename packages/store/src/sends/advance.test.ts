import { testRedis } from '@sendcode/testing';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verificationKeys } from '../core/keys.ts';
import { newVerification, openStore, T0 } from '../core/test-support.ts';
import { createVerificationStore, type VerificationStore } from '../verification/verification-store.ts';
import type { AdvanceInput } from './sends.ts';

let redis: Redis;
let store: VerificationStore;
let prefix: string;

beforeAll(() => {
  ({ redis, store, prefix } = openStore('advance'));
});
afterAll(() => redis.quit());

/** A failover to plan step 1 (sms) at `nowMs`. */
function failover(nowMs: number, more: Partial<AdvanceInput> = {}): AdvanceInput {
  return {
    kind: 'failover',
    step: 1,
    channel: 'sms',
    nowMs,
    maxSends: 5,
    event: { at: nowMs, type: 'failover', detail: { reason: 'permanent_error', from: 'email' } },
    ...more,
  };
}

/** A resend of plan step 0 (email) at `nowMs`, with a 30 s cooldown. */
function resend(nowMs: number, more: Partial<AdvanceInput> = {}): AdvanceInput {
  return {
    kind: 'resend',
    step: 0,
    channel: 'email',
    nowMs,
    maxSends: 5,
    cooldownMs: 30_000,
    event: { at: nowMs, type: 'resend' },
    ...more,
  };
}

async function created() {
  const v = newVerification();
  await store.create(v, T0);
  return v;
}

describe('advance', () => {
  it('starts the next send: record, send and event', async () => {
    const v = await created();
    expect(await store.advance(v.id, failover(T0 + 100, { expectedSend: 1 }))).toEqual({ ok: true, send: 2 });
    expect(await store.get(v.id, T0 + 100)).toMatchObject({
      sends: 2,
      step: 1,
      channel: 'sms',
      lastSendAt: T0 + 100,
      updatedAt: T0 + 100,
    });
    expect(await store.getSend(v.id, 2)).toEqual({
      send: 2,
      step: 1,
      channel: 'sms',
      status: 'queued',
      queuedAt: T0 + 100,
    });
    expect((await store.timeline(v.id)).at(-1)).toEqual({
      at: T0 + 100,
      type: 'failover',
      step: 1,
      channel: 'sms',
      detail: { reason: 'permanent_error', from: 'email', send: 2 },
    });
    const keys = verificationKeys(prefix, v.id);
    expect(await redis.ttl(keys.sends)).toBe(await redis.ttl(keys.record));
  });

  it('lets exactly one of two concurrent failovers from the same send through', async () => {
    const other = testRedis();
    try {
      const second = createVerificationStore({ redis: other, prefix });
      const v = await created();
      const outcomes = await Promise.all([
        store.advance(v.id, failover(T0 + 100, { expectedSend: 1 })),
        second.advance(v.id, failover(T0 + 100, { expectedSend: 1 })),
      ]);
      expect(outcomes).toContainEqual({ ok: true, send: 2 });
      expect(outcomes).toContainEqual({ ok: false, reason: 'superseded' });
      expect(await store.sends(v.id)).toHaveLength(2);
      expect((await store.timeline(v.id)).filter((e) => e.type === 'failover')).toHaveLength(1);
    } finally {
      await other.quit();
    }
  });

  it('is superseded when the expected send is not the latest', async () => {
    const v = await created();
    await store.advance(v.id, failover(T0 + 100));
    const stale = { ...failover(T0 + 200, { expectedSend: 1 }), step: 0, channel: 'email' as const };
    expect(await store.advance(v.id, { ...stale, event: { at: T0 + 200, type: 'failover' } })).toEqual({
      ok: false,
      reason: 'superseded',
    });
    expect((await store.get(v.id, T0 + 200))?.sends).toBe(2);
  });

  it('requires the send to have the status asked for', async () => {
    const v = await created();
    const noReceipt = failover(T0 + 100, { expectedSend: 1, requireSendStatus: 'accepted' });
    expect(await store.advance(v.id, noReceipt)).toEqual({ ok: false, reason: 'superseded' });
    await store.markAccepted(v.id, 1, {
      at: T0 + 10,
      type: 'sent',
      step: 0,
      channel: 'email',
      provider: 'smtp',
      detail: { providerMessageId: 'M1' },
    });
    expect(await store.advance(v.id, noReceipt)).toEqual({ ok: true, send: 2 });
    // Without expectedSend, the latest send (2, queued) is the one checked.
    expect(await store.advance(v.id, resend(T0 + 60_000, { requireSendStatus: 'accepted' }))).toEqual({
      ok: false,
      reason: 'superseded',
    });
    expect(await store.advance(v.id, resend(T0 + 60_000, { requireSendStatus: 'queued' }))).toEqual({
      ok: true,
      send: 3,
    });
  });

  it('holds a resend back for the cooldown and says how long to wait', async () => {
    const v = await created();
    expect(await store.advance(v.id, resend(T0 + 10_000))).toEqual({
      ok: false,
      reason: 'cooldown',
      retryAfterMs: 20_000,
    });
    expect(await store.advance(v.id, resend(T0 + 30_000))).toEqual({ ok: true, send: 2 });
    expect(await store.advance(v.id, resend(T0 + 30_001))).toEqual({
      ok: false,
      reason: 'cooldown',
      retryAfterMs: 29_999,
    });
    expect((await store.timeline(v.id)).map((e) => e.type)).toEqual(['created', 'resend']);
  });

  it('stops at maxSends, even inside the cooldown', async () => {
    const v = await created();
    expect(await store.advance(v.id, failover(T0 + 1, { maxSends: 2 }))).toEqual({ ok: true, send: 2 });
    expect(await store.advance(v.id, resend(T0 + 2, { maxSends: 2 }))).toEqual({
      ok: false,
      reason: 'send_limit',
    });
    expect(await store.advance(v.id, resend(T0 + 60_000, { maxSends: 2 }))).toEqual({
      ok: false,
      reason: 'send_limit',
    });
    expect(await store.sends(v.id)).toHaveLength(2);
  });

  it('refuses a verification that is not pending, expired or gone', async () => {
    const canceled = await created();
    await store.cancel(canceled.id, T0 + 1);
    expect(await store.advance(canceled.id, failover(T0 + 2))).toEqual({
      ok: false,
      reason: 'not_pending',
      status: 'canceled',
    });
    const expired = await created();
    expect(await store.advance(expired.id, failover(expired.expiresAt))).toEqual({
      ok: false,
      reason: 'expired',
    });
    expect((await store.get(expired.id, T0))?.sends).toBe(1);
    expect(await store.advance('ver_nope', failover(T0))).toEqual({ ok: false, reason: 'gone' });
    expect(await redis.exists(...Object.values(verificationKeys(prefix, 'ver_nope')))).toBe(0);
  });

  it('refuses a step outside the plan, a channel not the step’s, and a mislabelled event', async () => {
    const v = await created();
    for (const bad of [
      failover(T0 + 1, { step: 2 }),
      failover(T0 + 1, { channel: 'voice' }),
      failover(T0 + 1, { event: { at: T0 + 1, type: 'resend' } }),
      failover(T0 + 1, { event: { at: T0 + 1, type: 'failover', step: 0 } }),
      failover(T0 + 1, { maxSends: 1.5 }),
    ]) {
      await expect(store.advance(v.id, bad)).rejects.toMatchObject({ code: 'invalid_argument' });
    }
    expect(await store.sends(v.id)).toHaveLength(1);
  });
});
