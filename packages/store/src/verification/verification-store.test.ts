import { testRedis, uniquePrefix } from '@sendcode/testing';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreError } from '../core/errors.ts';
import { verificationKeys } from '../core/keys.ts';
import { newVerification, openStore, T0, typed } from '../core/test-support.ts';
import { createVerificationStore, type VerificationStore } from './verification-store.ts';

let redis: Redis;
let store: VerificationStore;
let prefix: string;

beforeAll(() => {
  ({ redis, store, prefix } = openStore('store', { retentionSeconds: 3600, timelineRetentionSeconds: 7200 }));
});
afterAll(() => redis.quit());

describe('create and get', () => {
  it('round-trips every field and starts pending', async () => {
    const { sealedPlan, ...v } = newVerification();
    await store.create({ ...v, sealedPlan }, T0 + 5);
    expect(await store.get(v.id, T0 + 10)).toEqual({
      ...v,
      status: 'pending',
      attempts: 0,
      sends: 1,
      step: 0,
      channel: 'email',
      updatedAt: T0 + 5,
      lastSendAt: T0 + 5,
    });
  });

  it('leaves optional fields out of the hash when undefined', async () => {
    const v = newVerification({ sealedPlan: undefined, sealedCode: undefined, accountRef: undefined });
    await store.create(v, T0);
    const keys = verificationKeys(prefix, v.id);
    const hash = await redis.hgetall(keys.record);
    expect(Object.keys(hash)).not.toContain('sealedCode');
    expect(Object.keys(hash)).not.toContain('accountRef');
    expect(JSON.parse((await redis.get(keys.sends)) ?? '[]')).toHaveLength(1); // [sends], no plan
    const record = await store.get(v.id, T0);
    expect(record?.sealedCode).toBeUndefined();
    expect(record?.accountRef).toBeUndefined();
    expect((await store.forDelivery(v.id, 1, T0))?.sealedPlan).toBeUndefined();
  });

  it("keeps a one-step record in Redis's compact hash encoding, without its id; the sealed plan goes to the sends document", async () => {
    // A real sealed plan: key id, version, iv, tag and a one-step plan's ciphertext, base64url.
    const sealedPlan = `k1.v1.${'A'.repeat(16)}.${'B'.repeat(22)}.${'C'.repeat(56)}`;
    const v = newVerification({ sealedPlan, planMasked: [{ channel: 'email', to: 'ta***@docomo.ne.jp' }] });
    await store.create(v, T0);
    const keys = verificationKeys(prefix, v.id);
    expect(await redis.object('ENCODING', keys.record)).toBe('listpack');
    expect(await redis.hexists(keys.record, 'id')).toBe(0);
    expect(await store.forDelivery(v.id, 1, T0)).toMatchObject({
      record: { id: v.id, status: 'pending' },
      send: { send: 1, status: 'queued' },
      sealedPlan,
    });
    expect((await store.sends(v.id)).map((s) => s.send)).toEqual([1]);
  });

  it('reads a record written when it held its own id, and has no delivery for an unknown one', async () => {
    const v = newVerification();
    await store.create(v, T0);
    await redis.hset(verificationKeys(prefix, v.id).record, 'id', 'ver_written_before');
    expect((await store.get(v.id, T0))?.id).toBe(v.id);
    expect(await store.forDelivery('ver_nope', 1, T0)).toBeNull();
  });

  it('returns null for an unknown id', async () => {
    expect(await store.get('ver_nope', T0)).toBeNull();
  });

  it('refuses an id that would break the hash tag', async () => {
    await expect(store.get('ver_{x}', T0)).rejects.toMatchObject({ code: 'invalid_argument' });
  });

  it('refuses an id already in use and leaves the record as it was', async () => {
    const v = newVerification();
    await store.create(v, T0);
    await store.check(v.id, typed('wrong'), T0 + 1);
    const before = await redis.hgetall(verificationKeys(prefix, v.id).record);
    const again = store.create({ ...v, client: 'someone-else', codeHash: 'b'.repeat(64) }, T0 + 2);
    await expect(again).rejects.toBeInstanceOf(StoreError);
    await expect(again).rejects.toMatchObject({ code: 'id_taken' });
    expect(await redis.hgetall(verificationKeys(prefix, v.id).record)).toEqual(before);
    expect((await store.timeline(v.id)).map((e) => e.type)).toEqual(['created', 'check_invalid']);
  });

  it('reads a pending record past expiresAt as expired without writing', async () => {
    const v = newVerification();
    await store.create(v, T0);
    expect((await store.get(v.id, v.expiresAt))?.status).toBe('expired');
    expect(await redis.hget(verificationKeys(prefix, v.id).record, 'status')).toBe('pending');
  });

  it('throws a clear error on a malformed field', async () => {
    const v = newVerification();
    await store.create(v, T0);
    await redis.hset(verificationKeys(prefix, v.id).record, 'attempts', 'three');
    await expect(store.get(v.id, T0)).rejects.toThrow(
      'verification record field "attempts" is not an integer',
    );
    await redis.hset(verificationKeys(prefix, v.id).record, 'attempts', '0', 'channel', 'fax');
    await expect(store.get(v.id, T0)).rejects.toMatchObject({ code: 'malformed_record' });
    await redis.hdel(verificationKeys(prefix, v.id).record, 'channel');
    await expect(store.get(v.id, T0)).rejects.toThrow('field "channel" is missing');
  });

  it('rejects input it could not read back', async () => {
    await expect(store.create(newVerification({ planMasked: [] }), T0)).rejects.toMatchObject({
      code: 'invalid_argument',
    });
    await expect(store.create(newVerification({ codeLength: 6.5 }), T0)).rejects.toMatchObject({
      code: 'invalid_argument',
    });
    await expect(store.create(newVerification({ channel: 'voice' }), T0)).rejects.toMatchObject({
      code: 'invalid_argument',
    });
  });

  it('sets TTLs: record until expiry plus retention, timeline until expiry plus its retention', async () => {
    const v = newVerification();
    await store.create(v, T0);
    const keys = verificationKeys(prefix, v.id);
    const recordTtl = await redis.ttl(keys.record);
    expect(recordTtl).toBeGreaterThan(600 + 3600 - 5);
    expect(recordTtl).toBeLessThanOrEqual(600 + 3600);
    expect(await redis.ttl(keys.timeline)).toBeGreaterThan(600 + 7200 - 5);
  });
});

describe('timeline', () => {
  it('keeps events in order with their content', async () => {
    const v = newVerification();
    await store.create(v, T0);
    await store.appendEvent(v.id, { at: T0 + 1, type: 'queued', step: 0, channel: 'email' });
    await store.appendEvent(v.id, {
      at: T0 + 2,
      type: 'sent',
      step: 1,
      channel: 'sms',
      provider: 'twilio',
      to: '+81******5678',
      detail: { messageId: 'SM123', attempt: 1, fallback: true },
    });
    await store.check(v.id, typed('wrong'), T0 + 3);
    expect(await store.timeline(v.id)).toEqual([
      { at: T0, type: 'created', step: 0, channel: 'email', to: 'ta***@docomo.ne.jp' },
      { at: T0 + 1, type: 'queued', step: 0, channel: 'email' },
      {
        at: T0 + 2,
        type: 'sent',
        step: 1,
        channel: 'sms',
        provider: 'twilio',
        to: '+81******5678',
        detail: { messageId: 'SM123', attempt: 1, fallback: true },
      },
      { at: T0 + 3, type: 'check_invalid', detail: { attempt: 1 } },
    ]);
    const record = await store.get(v.id, T0 + 3);
    expect(record).toMatchObject({ attempts: 1, updatedAt: T0 + 3 });
  });

  it('stores only the known fields of a caller event, as an array of them, in the one timeline string', async () => {
    const v = newVerification();
    await store.create(v, T0);
    const event = { at: T0 + 1, type: 'queued' as const, code: '123456' };
    await store.appendEvent(v.id, event);
    const failover = { at: T0 + 2, type: 'failover' as const, provider: 'twilio' as const, detail: { n: 1 } };
    await store.appendEvent(v.id, failover);
    const raw = (await redis.get(verificationKeys(prefix, v.id).timeline)) ?? '';
    expect(raw.slice(raw.indexOf('],') + 2)).toBe(
      // After the first row, `at` counts from the first row's (lua-includes/pushEvent.lua).
      `${JSON.stringify(['queued', 1])},${JSON.stringify(['failover', 2, null, null, null, 'twilio', { n: 1 }])}`,
    );
    expect((await store.timeline(v.id)).slice(1)).toEqual([{ at: T0 + 1, type: 'queued' }, failover]);
  });

  it('reads events stored as objects in a timeline list, as they were before, ahead of the string', async () => {
    const v = newVerification();
    await store.create(v, T0);
    const old = {
      at: T0 + 1,
      type: 'sent',
      step: 0,
      channel: 'sms',
      to: '+81 90-****-0000',
      detail: { send: 1 },
    };
    await redis.rpush(verificationKeys(prefix, v.id).timelineList, JSON.stringify(old));
    expect((await store.timeline(v.id)).map((e) => e.type)).toEqual(['sent', 'created']);
    expect((await store.timeline(v.id))[0]).toEqual(old);
  });

  it('withTimeline reads the record and its timeline as of one moment, while another connection fails it', async () => {
    // The writer has its own connection, so its script lands anywhere among the reader's commands:
    // two reads in a row could see the pending record, then the timeline with 'delivery_failed'.
    const writerRedis = testRedis();
    const writer = createVerificationStore({ redis: writerRedis, prefix });
    const ids = await Promise.all(
      Array.from({ length: 100 }, async () => {
        const v = newVerification();
        await store.create(v, T0);
        return v.id;
      }),
    );
    const reads = await Promise.all(
      ids.flatMap((id) => [
        writer.markFailed(id, T0 + 1, { reason: 'test' }).then(() => undefined),
        store.withTimeline(id, T0 + 2),
        store.withTimeline(id, T0 + 2),
      ]),
    );
    for (const read of reads) {
      if (!read) continue;
      const failedEvent = read.timeline.some((event) => event.type === 'delivery_failed');
      expect(read.record.status).toBe(failedEvent ? 'failed' : 'pending');
    }
    expect(await store.withTimeline(newVerification().id, T0)).toBeNull();
    await writerRedis.quit();
  });

  it('does not resurrect a verification that is gone', async () => {
    const v = newVerification();
    await store.create(v, T0);
    const keys = verificationKeys(prefix, v.id);
    await redis.del(keys.record, keys.timeline);
    await store.appendEvent(v.id, { at: T0 + 1, type: 'queued' });
    expect(await redis.exists(keys.record, keys.timeline)).toBe(0);
    expect(await store.timeline(v.id)).toEqual([]);
  });

  it('discard deletes the record and its timeline (a list left from before too)', async () => {
    const v = newVerification();
    await store.create(v, T0);
    const keys = verificationKeys(prefix, v.id);
    await redis.rpush(keys.timelineList, JSON.stringify({ at: T0, type: 'created' }));
    await store.discard(v.id);
    expect(await redis.exists(keys.record, keys.timeline, keys.timelineList, keys.sends)).toBe(0);
    expect(await store.get(v.id, T0)).toBeNull();
    expect(await store.timeline(v.id)).toEqual([]);
  });

  it('throws clearly on a malformed event', async () => {
    const v = newVerification();
    await store.create(v, T0);
    const keys = verificationKeys(prefix, v.id);
    await redis.rpush(keys.timelineList, '[1,"teleported"]');
    await expect(store.timeline(v.id)).rejects.toThrow('timeline event "type" is not a known event type');
    await redis.lset(keys.timelineList, -1, '"sent"');
    await expect(store.timeline(v.id)).rejects.toThrow('timeline event is not an array or an object');
    await redis.del(keys.timelineList);
    await redis.append(keys.timeline, ',{');
    await expect(store.timeline(v.id)).rejects.toMatchObject({ code: 'malformed_event' });
  });
});

describe('shared connection', () => {
  it('lets two stores with different prefixes share one connection', async () => {
    const other = createVerificationStore({ redis, prefix: uniquePrefix('other') });
    const v = newVerification();
    await other.create(v, T0);
    expect(await store.get(v.id, T0)).toBeNull();
    expect(await other.check(v.id, typed(v.codeHash), T0 + 1)).toMatchObject({
      valid: true,
      status: 'approved',
    });
  });
});
