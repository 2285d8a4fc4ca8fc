import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verificationKeys } from '../core/keys.ts';
import { newVerification, openStore, RIGHT, T0, typed, WRONG } from '../core/test-support.ts';
import type { VerificationStore } from './verification-store.ts';

let redis: Redis;
let store: VerificationStore;
let prefix: string;

beforeAll(() => {
  ({ redis, store, prefix } = openStore('check-client'));
});
afterAll(() => redis.quit());

describe('check, for one client and under the key that made the stored hash', () => {
  it("answers another client's verification as none, reading nothing out and counting nothing", async () => {
    const v = newVerification();
    await store.create(v, T0);
    const keys = verificationKeys(prefix, v.id);
    const before = [await redis.hgetall(keys.record), await redis.get(keys.timeline)];
    for (const hash of [WRONG, WRONG, RIGHT]) {
      expect(await store.check(v.id, typed(hash, 'other-client'), T0 + 1)).toEqual({ found: false });
    }
    expect([await redis.hgetall(keys.record), await redis.get(keys.timeline)]).toEqual(before);
    expect(await store.check(v.id, typed(WRONG), T0 + 2)).toMatchObject({ remainingAttempts: 4 });
  });

  it('answers with the record as it was before the check, as get reads it', async () => {
    const v = newVerification();
    await store.create(v, T0);
    const before = await store.get(v.id, v.expiresAt);
    expect(before?.status).toBe('expired');
    const outcome = await store.check(v.id, typed(RIGHT), v.expiresAt);
    expect(outcome).toMatchObject({ valid: false, status: 'expired', transitioned: true, record: before });
  });

  it("compares the hash of the record's key, else the first one's", async () => {
    const hashes = (first: string, second: string) => ({
      client: 'test-client',
      hashes: [
        { keyId: 'k-new', hash: first },
        { keyId: 'k-old', hash: second },
      ],
    });
    const old = newVerification({ keyId: 'k-old' });
    const none = newVerification();
    const unknown = newVerification({ keyId: 'k-gone' });
    for (const v of [old, none, unknown]) await store.create(v, T0);
    expect(await store.check(old.id, hashes(RIGHT, WRONG), T0 + 1)).toMatchObject({ valid: false });
    expect(await store.check(old.id, hashes(WRONG, RIGHT), T0 + 2)).toMatchObject({ valid: true });
    expect(await store.check(none.id, hashes(WRONG, RIGHT), T0 + 1)).toMatchObject({ valid: false });
    expect(await store.check(none.id, hashes(RIGHT, WRONG), T0 + 2)).toMatchObject({ valid: true });
    expect(await store.check(unknown.id, hashes(RIGHT, WRONG), T0 + 1)).toMatchObject({ valid: true });
  });

  it('refuses a check without a hash', async () => {
    const v = newVerification();
    await store.create(v, T0);
    await expect(store.check(v.id, { client: 'test-client', hashes: [] }, T0 + 1)).rejects.toMatchObject({
      code: 'invalid_argument',
    });
  });
});
