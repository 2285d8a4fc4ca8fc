import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verificationKeys } from '../core/keys.ts';
import { newVerification, openStore, T0 } from '../core/test-support.ts';
import type { VerificationStore } from '../verification/verification-store.ts';
import type { ReceiptInput } from './sends.ts';

let redis: Redis;
let store: VerificationStore;
let prefix: string;

beforeAll(() => {
  ({ redis, store, prefix } = openStore('receipt-claims'));
});
afterAll(() => redis.quit());

/** The provider accepted send 1 of `id` as `SM1`. */
async function accept(id: string) {
  const detail = { providerMessageId: 'SM1' };
  const event = { at: T0 + 10, type: 'sent', step: 0, channel: 'email', provider: 'smtp', detail } as const;
  expect(await store.markAccepted(id, 1, event)).toBe('recorded');
}

/** A pending verification whose first send the provider accepted as `SM1`. */
async function acceptedVerification() {
  const v = newVerification();
  await store.create(v, T0);
  await accept(v.id);
  return v;
}

/** A delivered receipt carried by the signed request `nonce` of `scope`. */
const signed = (scope: string, nonce: string, providerMessageId = 'SM1'): ReceiptInput => ({
  status: 'delivered',
  nowMs: T0 + 30,
  providerMessageId,
  claim: { scope, nonce },
});

/** The claims kept in a verification's sends document. */
async function claims(id: string): Promise<unknown> {
  // The document is [sends, plan, claims] (sends-doc.ts).
  const doc: unknown[] = JSON.parse((await redis.get(verificationKeys(prefix, id).sends)) ?? '[]');
  return doc[2] ?? undefined;
}

describe('recordReceipt with the claim of its signed request', () => {
  it('applies a request once per scope, until its claim is given back', async () => {
    const v = await acceptedVerification();
    expect(await store.recordReceipt(v.id, 1, signed('twilio', 'sig-1'))).toMatchObject({
      result: 'recorded',
    });
    expect(await claims(v.id)).toHaveLength(1);
    expect(await store.recordReceipt(v.id, 1, signed('twilio', 'sig-1'))).toEqual({ result: 'replayed' });
    // Another scope's nonce is another request: it reads the send (a duplicate by now) and is claimed.
    expect(await store.recordReceipt(v.id, 1, signed('vonage-sms', 'sig-1'))).toEqual({
      result: 'duplicate',
    });
    expect(await store.recordReceipt(v.id, 1, signed('vonage-sms', 'sig-1'))).toEqual({ result: 'replayed' });
    await store.releaseReceipt(v.id, { scope: 'twilio', nonce: 'sig-1' });
    await store.releaseReceipt(v.id, { scope: 'twilio', nonce: 'never-claimed' });
    expect(await store.recordReceipt(v.id, 1, signed('twilio', 'sig-1'))).toEqual({ result: 'duplicate' });
    expect(await store.timeline(v.id)).toHaveLength(3);
    // The claims live in the sends document and are not sends.
    expect((await store.sends(v.id)).map((s) => s.send)).toEqual([1]);
  });

  it('claims a request for another message id or a send that does not exist', async () => {
    const v = await acceptedVerification();
    expect(await store.recordReceipt(v.id, 1, signed('twilio', 'sig-m', 'SM-other'))).toEqual({
      result: 'mismatch',
    });
    expect(await store.recordReceipt(v.id, 1, signed('twilio', 'sig-m'))).toEqual({ result: 'replayed' });
    expect(await store.recordReceipt(v.id, 2, signed('twilio', 'sig-u'))).toEqual({ result: 'unknown' });
    expect(await store.recordReceipt(v.id, 2, signed('twilio', 'sig-u'))).toEqual({ result: 'replayed' });
    expect((await store.getSend(v.id, 1))?.status).toBe('accepted');
  });

  it('claims nothing while the send is queued, so the same request counts once the worker caught up', async () => {
    const v = newVerification();
    await store.create(v, T0);
    expect(await store.recordReceipt(v.id, 1, signed('twilio', 'sig-q'))).toEqual({ result: 'queued' });
    expect(await claims(v.id)).toBeUndefined();
    await accept(v.id);
    expect(await store.recordReceipt(v.id, 1, signed('twilio', 'sig-q'))).toMatchObject({
      result: 'recorded',
    });
    expect(await store.recordReceipt(v.id, 1, signed('twilio', 'sig-q'))).toEqual({ result: 'replayed' });
  });

  it('applies exactly one of concurrent copies of a request', async () => {
    const v = await acceptedVerification();
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, () => store.recordReceipt(v.id, 1, signed('twilio', 'sig-c'))),
    );
    expect(outcomes.filter((o) => o.result === 'recorded')).toHaveLength(1);
    expect(outcomes.filter((o) => o.result === 'replayed')).toHaveLength(9);
    expect(await claims(v.id)).toHaveLength(1);
  });

  it('never resurrects a verification that is gone, and refuses an empty nonce', async () => {
    expect(await store.recordReceipt('ver_gone', 1, signed('twilio', 'sig-1'))).toEqual({
      result: 'unknown',
    });
    await store.releaseReceipt('ver_gone', { scope: 'twilio', nonce: 'sig-1' });
    expect(await redis.exists(verificationKeys(prefix, 'ver_gone').sends)).toBe(0);
    const v = await acceptedVerification();
    await expect(store.recordReceipt(v.id, 1, signed('twilio', ''))).rejects.toMatchObject({
      code: 'invalid_argument',
    });
  });
});
