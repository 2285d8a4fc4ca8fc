import { limitRedisMemory, type RedisServer, startRedisServer, uniquePrefix } from '@sendcode/testing';
import { Redis as IORedis, type Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verificationKeys } from '../core/keys.ts';
import { newVerification, openStore, RIGHT, T0, typed } from '../core/test-support.ts';
import { createVerificationStore, type VerificationStore } from '../verification/verification-store.ts';
import type { AcceptedEvent } from './sends.ts';

const RETENTION = 3600;

let redis: Redis;
let store: VerificationStore;
let prefix: string;

beforeAll(() => {
  ({ redis, store, prefix } = openStore('sends', { retentionSeconds: RETENTION }));
});
afterAll(() => redis.quit());

const accepted = (at: number, providerMessageId = 'SM1'): AcceptedEvent => ({
  at,
  type: 'sent',
  step: 0,
  channel: 'email',
  provider: 'smtp',
  to: 'ta***@docomo.ne.jp',
  detail: { providerMessageId, attempt: 1 },
});

/** A pending verification whose first send the provider accepted as `SM1`. */
async function acceptedVerification() {
  const v = newVerification();
  await store.create(v, T0);
  await store.markAccepted(v.id, 1, accepted(T0 + 10));
  return v;
}

describe('sends', () => {
  it('starts with send 1 queued at step 0, expiring with the record', async () => {
    const v = newVerification();
    await store.create(v, T0 + 5);
    const first = { send: 1, step: 0, channel: 'email', status: 'queued', queuedAt: T0 + 5 };
    expect(await store.getSend(v.id, 1)).toEqual(first);
    expect(await store.sends(v.id)).toEqual([first]);
    expect((await store.get(v.id, T0 + 5))?.lastSendAt).toBe(T0 + 5);
    const keys = verificationKeys(prefix, v.id);
    expect(await redis.ttl(keys.sends)).toBe(await redis.ttl(keys.record));
  });

  it('answers null and [] for what does not exist', async () => {
    const v = newVerification();
    await store.create(v, T0);
    expect(await store.getSend(v.id, 2)).toBeNull();
    expect(await store.getSend('ver_nope', 1)).toBeNull();
    expect(await store.sends('ver_nope')).toEqual([]);
    await expect(store.getSend(v.id, 0)).rejects.toMatchObject({ code: 'invalid_argument' });
  });

  it('refuses an id in use by a sends document alone', async () => {
    const v = newVerification();
    await redis.set(verificationKeys(prefix, v.id).sends, '{"sends":[]}');
    await expect(store.create(v, T0)).rejects.toMatchObject({ code: 'id_taken' });
  });

  it('discard deletes the sends too', async () => {
    const v = newVerification();
    await store.create(v, T0);
    await store.discard(v.id);
    expect(await redis.exists(verificationKeys(prefix, v.id).sends)).toBe(0);
  });

  it('keeps the sends for the retention once final', async () => {
    const v = await acceptedVerification();
    await store.check(v.id, typed(RIGHT), T0 + 20);
    const ttl = await redis.ttl(verificationKeys(prefix, v.id).sends);
    expect(ttl).toBeGreaterThan(RETENTION - 5);
    expect(ttl).toBeLessThanOrEqual(RETENTION);
    expect((await store.getSend(v.id, 1))?.status).toBe('accepted');
  });

  it('throws malformed_send on a stored send that does not parse', async () => {
    const v = newVerification();
    await store.create(v, T0);
    const key = verificationKeys(prefix, v.id).sends;
    await redis.set(key, JSON.stringify({ sends: [[0, 'email', 'lost', T0]] }));
    await expect(store.getSend(v.id, 1)).rejects.toThrow('send 1: "status" is not a known send status');
    await redis.set(
      key,
      JSON.stringify({
        sends: [
          [0, 'email', 'queued', T0],
          [0, 'email', 'queued', 'soon'],
        ],
      }),
    );
    await expect(store.sends(v.id)).rejects.toThrow('send 2: "queuedAt" is not an integer');
    await redis.set(key, JSON.stringify({ sends: [{ step: 0 }] }));
    await expect(store.sends(v.id)).rejects.toThrow('send 1: is not an array');
    await redis.set(key, JSON.stringify({ plan: 7, sends: [] }));
    await expect(store.sends(v.id)).rejects.toMatchObject({ code: 'malformed_send' });
    await redis.set(key, 'not json');
    await expect(store.getSend(v.id, 1)).rejects.toMatchObject({ code: 'malformed_send' });
  });

  it('reads lastSendAt as createdAt on a record written before it existed', async () => {
    const v = newVerification();
    await store.create(v, T0 + 5);
    await redis.hdel(verificationKeys(prefix, v.id).record, 'lastSendAt');
    expect((await store.get(v.id, T0 + 5))?.lastSendAt).toBe(v.createdAt);
  });
});

describe('markAccepted', () => {
  it('records the acceptance once, with a sent event; a re-run writes nothing', async () => {
    const v = newVerification();
    await store.create(v, T0);
    expect(await store.markAccepted(v.id, 1, accepted(T0 + 10))).toBe('recorded');
    expect(await store.markAccepted(v.id, 1, accepted(T0 + 20, 'SM2'))).toBe('already_accepted');
    expect(await store.getSend(v.id, 1)).toEqual({
      send: 1,
      step: 0,
      channel: 'email',
      status: 'accepted',
      queuedAt: T0,
      provider: 'smtp',
      providerMessageId: 'SM1',
      acceptedAt: T0 + 10,
    });
    expect((await store.timeline(v.id)).slice(1)).toEqual([
      {
        at: T0 + 10,
        type: 'sent',
        step: 0,
        channel: 'email',
        provider: 'smtp',
        to: 'ta***@docomo.ne.jp',
        detail: { providerMessageId: 'SM1', attempt: 1, send: 1 },
      },
    ]);
  });

  it('answers gone for a missing verification or send, writing nothing', async () => {
    expect(await store.markAccepted('ver_nope', 1, accepted(T0))).toBe('gone');
    expect(await redis.exists(...Object.values(verificationKeys(prefix, 'ver_nope')))).toBe(0);
    const v = newVerification();
    await store.create(v, T0);
    expect(await store.markAccepted(v.id, 2, accepted(T0))).toBe('gone');
    expect(await store.timeline(v.id)).toHaveLength(1);
  });

  it('still records an acceptance after the verification became final', async () => {
    const v = newVerification();
    await store.create(v, T0);
    await store.cancel(v.id, T0 + 1);
    expect(await store.markAccepted(v.id, 1, accepted(T0 + 2))).toBe('recorded');
  });

  it('refuses an event that is not about that send', async () => {
    const v = newVerification();
    await store.create(v, T0);
    const wrong = { ...accepted(T0 + 1), step: 1, channel: 'sms' as const };
    await expect(store.markAccepted(v.id, 1, wrong)).rejects.toMatchObject({ code: 'invalid_argument' });
    const noId = { ...accepted(T0 + 1), detail: { providerMessageId: '' } };
    await expect(store.markAccepted(v.id, 1, noId)).rejects.toMatchObject({ code: 'invalid_argument' });
    expect((await store.getSend(v.id, 1))?.status).toBe('queued');
  });
});

describe('markSendFailed', () => {
  it('fails a queued or accepted send once, and leaves a receipted one alone', async () => {
    const queued = newVerification();
    await store.create(queued, T0);
    await store.markSendFailed(queued.id, 1, T0 + 3);
    expect(await store.getSend(queued.id, 1)).toMatchObject({ status: 'failed', failedAt: T0 + 3 });
    await store.markSendFailed(queued.id, 1, T0 + 4);
    expect(await store.getSend(queued.id, 1)).toMatchObject({ failedAt: T0 + 3 });
    expect(await store.markAccepted(queued.id, 1, accepted(T0 + 5))).toBe('already_accepted');

    const acceptedSend = await acceptedVerification();
    await store.markSendFailed(acceptedSend.id, 1, T0 + 20);
    expect((await store.getSend(acceptedSend.id, 1))?.status).toBe('failed');
    const receipted = await acceptedVerification();
    await store.recordReceipt(receipted.id, 1, { status: 'delivered', nowMs: T0 + 20 });
    await store.markSendFailed(receipted.id, 1, T0 + 30);
    expect((await store.getSend(receipted.id, 1))?.status).toBe('delivered');
    expect((await store.timeline(queued.id)).map((e) => e.type)).toEqual(['created']);
  });

  it('never resurrects a verification', async () => {
    await store.markSendFailed('ver_nope', 1, T0);
    expect(await redis.exists(verificationKeys(prefix, 'ver_nope').sends)).toBe(0);
  });
});

describe('recordReceipt', () => {
  it('records a delivery once; the rest are duplicates', async () => {
    const v = await acceptedVerification();
    const outcome = await store.recordReceipt(v.id, 1, {
      status: 'delivered',
      nowMs: T0 + 30,
      providerMessageId: 'SM1',
      detail: { providerStatus: 'delivered' },
    });
    expect(outcome).toEqual({
      result: 'recorded',
      current: false,
      send: {
        send: 1,
        step: 0,
        channel: 'email',
        status: 'delivered',
        queuedAt: T0,
        provider: 'smtp',
        providerMessageId: 'SM1',
        acceptedAt: T0 + 10,
        receiptAt: T0 + 30,
      },
    });
    expect((await store.timeline(v.id)).at(-1)).toEqual({
      at: T0 + 30,
      type: 'delivered',
      step: 0,
      channel: 'email',
      provider: 'smtp',
      detail: { providerStatus: 'delivered', send: 1 },
    });
    const again = await store.recordReceipt(v.id, 1, { status: 'undelivered', nowMs: T0 + 40 });
    expect(again).toEqual({ result: 'duplicate' });
    expect((await store.getSend(v.id, 1))?.status).toBe('delivered');
    expect(await store.timeline(v.id)).toHaveLength(3);
  });

  it('records an undelivered receipt', async () => {
    const v = await acceptedVerification();
    const outcome = await store.recordReceipt(v.id, 1, { status: 'undelivered', nowMs: T0 + 30 });
    expect(outcome).toMatchObject({ result: 'recorded', current: true, send: { status: 'undelivered' } });
    expect((await store.timeline(v.id)).at(-1)).toMatchObject({ type: 'undelivered', detail: { send: 1 } });
  });

  it('refuses a receipt for another message id', async () => {
    const v = await acceptedVerification();
    const outcome = await store.recordReceipt(v.id, 1, {
      status: 'undelivered',
      nowMs: T0 + 30,
      providerMessageId: 'SM-other',
    });
    expect(outcome).toEqual({ result: 'mismatch' });
    expect((await store.getSend(v.id, 1))?.status).toBe('accepted');
  });

  it('answers queued for a send the worker has not recorded as accepted yet, writing nothing', async () => {
    const v = newVerification();
    await store.create(v, T0);
    expect(await store.recordReceipt(v.id, 1, { status: 'delivered', nowMs: T0 + 1 })).toEqual({
      result: 'queued',
    });
    expect((await store.getSend(v.id, 1))?.status).toBe('queued');
    expect(await store.timeline(v.id)).toHaveLength(1);
  });

  it('answers unknown for a missing verification or send', async () => {
    expect(await store.recordReceipt('ver_nope', 1, { status: 'delivered', nowMs: T0 })).toEqual({
      result: 'unknown',
    });
    const v = await acceptedVerification();
    expect(await store.recordReceipt(v.id, 2, { status: 'delivered', nowMs: T0 })).toEqual({
      result: 'unknown',
    });
  });

  it('is not current once a later send started or the verification is over', async () => {
    const superseded = await acceptedVerification();
    const event = { at: T0 + 20, type: 'failover' as const };
    const step = { kind: 'failover', step: 1, channel: 'sms', nowMs: T0 + 20, maxSends: 5, event } as const;
    expect(await store.advance(superseded.id, step)).toEqual({ ok: true, send: 2 });
    expect(
      await store.recordReceipt(superseded.id, 1, { status: 'undelivered', nowMs: T0 + 30 }),
    ).toMatchObject({
      result: 'recorded',
      current: false,
    });

    const approved = await acceptedVerification();
    await store.check(approved.id, typed(RIGHT), T0 + 20);
    expect(
      await store.recordReceipt(approved.id, 1, { status: 'undelivered', nowMs: T0 + 30 }),
    ).toMatchObject({
      result: 'recorded',
      current: false,
    });

    const expired = await acceptedVerification();
    expect(
      await store.recordReceipt(expired.id, 1, { status: 'undelivered', nowMs: expired.expiresAt }),
    ).toMatchObject({ result: 'recorded', current: false });
  });

  it('refuses a detail JSON could not carry', async () => {
    const v = await acceptedVerification();
    const bad = { status: 'delivered', nowMs: T0 + 30, detail: { n: Number.POSITIVE_INFINITY } } as const;
    await expect(store.recordReceipt(v.id, 1, bad)).rejects.toMatchObject({ code: 'invalid_argument' });
  });
});

describe('sends on a full Redis (maxmemory reached, noeviction)', () => {
  let server: RedisServer;
  let full: Redis;
  let fullStore: VerificationStore;

  beforeAll(async () => {
    server = await startRedisServer(['--maxmemory-policy', 'noeviction']);
    full = new IORedis(server.url, { maxRetriesPerRequest: 1 });
    fullStore = createVerificationStore({ redis: full, prefix: uniquePrefix('sends-full') });
  });
  afterAll(async () => {
    full.disconnect();
    await server.stop();
  });

  it('still records that the provider accepted a send: refused, its job would send it again', async () => {
    const v = newVerification();
    await fullStore.create(v, T0);
    const restore = await limitRedisMemory(full, -100_000);
    try {
      // What could grow memory is refused...
      await expect(fullStore.create(newVerification(), T0)).rejects.toThrow(/^OOM command not allowed/);
      // ...but not the record of a message that went out.
      expect(await fullStore.markAccepted(v.id, 1, accepted(T0 + 10))).toBe('recorded');
    } finally {
      await restore();
    }
    expect(await fullStore.getSend(v.id, 1)).toMatchObject({ status: 'accepted', provider: 'smtp' });
  });
});
