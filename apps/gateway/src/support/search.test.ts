import { canonicalDestination, createKeyRing, hexLookupHash, lookupHash } from '@sendcode/policy';
import { createSupportIndex, createVerificationStore, type NewVerification } from '@sendcode/store';
import { testRedis, uniquePrefix } from '@sendcode/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isApiError } from '../errors.ts';
import { RAW, verificationRecord } from '../test-support.ts';
import {
  auditHash,
  type SearchDeps,
  SUPPORT_MAX_RESULTS,
  SUPPORT_WINDOW_MS,
  searchVerifications,
  supportQuery,
} from './search.ts';

const redis = testRedis();
const prefix = uniquePrefix('gw-search');
const store = createVerificationStore({ redis, prefix });
const supportIndex = createSupportIndex({ redis, prefix });
const old = createKeyRing('the secret before the rotation');
const ring = createKeyRing('the secret after the rotation', ['the secret before the rotation']);
const NOW = Date.UTC(2026, 0, 8);
const deps: SearchDeps = { now: () => NOW, store, ring, supportIndex };

let counter = 0;
/** Stores a verification created `ageMs` ago; returns its id. */
async function stored(ageMs = 0): Promise<string> {
  counter += 1;
  const createdAt = NOW - ageMs;
  const { status, attempts, sends, step, updatedAt, lastSendAt, refused, ...fields } = verificationRecord({
    id: `ver_${String(counter).padStart(32, '0')}`,
    createdAt,
    expiresAt: createdAt + 600_000,
  });
  const v: NewVerification = { ...fields, sealedPlan: 'v2.kid.iv.tag.plan' };
  await store.create(v, createdAt);
  return v.id;
}

const search = (query: Record<string, string>) => searchVerifications(deps, supportQuery.parse(query));

let recent = '';
let rotated = '';
let tooOld = '';

beforeAll(async () => {
  [recent, rotated, tooOld] = [
    await stored(60_000),
    await stored(86_400_000),
    await stored(SUPPORT_WINDOW_MS + 1),
  ];
  const email = canonicalDestination(RAW.email);
  await supportIndex.add('destination', lookupHash(ring.current.lookup, email), recent, NOW - 60_000);
  // Indexed under the key before the rotation, in the hex form of earlier versions.
  await supportIndex.add('destination', hexLookupHash(old.current.lookup, email), rotated, NOW - 86_400_000);
  await supportIndex.add(
    'destination',
    lookupHash(ring.current.lookup, email),
    tooOld,
    NOW - SUPPORT_WINDOW_MS - 1,
  );
  await supportIndex.add('account', lookupHash(old.current.lookup, 'account:acct-42'), recent, NOW - 60_000);
});

afterAll(() => redis.quit());

describe('searchVerifications', () => {
  it('finds a destination under every key of the ring and both hash forms, newest first, within 7 days', async () => {
    const found = await search({ to: ` ${RAW.email.toUpperCase()} ` });
    expect(found.ids).toEqual([recent, rotated]);
    expect(found).toMatchObject({ kind: 'to', knownWarnings: [] });
  });

  it('finds by accountRef, hashed as the engine indexes it', async () => {
    expect((await search({ accountRef: 'acct-42' })).ids).toEqual([recent]);
    expect((await search({ accountRef: 'acct-43' })).ids).toEqual([]);
  });

  it('finds by id only a verification of the last 7 days, and a malformed id is simply not found', async () => {
    expect((await search({ id: recent })).ids).toEqual([recent]);
    expect((await search({ id: tooOld })).ids).toEqual([]);
    expect((await search({ id: 'ver_nope' })).ids).toEqual([]);
  });

  it('knows a Japanese landline as one, which only the search can tell', async () => {
    const found = await search({ to: '+81 3-1234-5678' });
    expect(found).toMatchObject({ ids: [], normalised: '+81312345678', knownWarnings: ['fixed_line_voice'] });
    expect((await search({ to: RAW.phone })).knownWarnings).toEqual([]);
  });

  it('refuses what is neither a phone number nor an email address (invalid_destination on to)', async () => {
    const error = await search({ to: 'not a destination' }).catch((e: unknown) => e);
    expect(isApiError(error) && { code: error.code, details: error.details }).toEqual({
      code: 'invalid_destination',
      details: { field: 'to', reason: expect.any(String) },
    });
  });

  it(`returns the newest ${SUPPORT_MAX_RESULTS} ids of a busy destination`, async () => {
    const hash = lookupHash(ring.current.lookup, canonicalDestination('busy@example.com'));
    const ids = Array.from({ length: SUPPORT_MAX_RESULTS + 5 }, (_, i) => `ver_busy${i}`);
    await Promise.all(ids.map((id, i) => supportIndex.add('destination', hash, id, NOW - 1_000 * (i + 1))));
    expect((await search({ to: 'busy@example.com' })).ids).toEqual(ids.slice(0, SUPPORT_MAX_RESULTS));
  });
});

describe('supportQuery', () => {
  it.each([[{}], [{ to: RAW.phone, id: 'ver_x' }], [{ to: RAW.phone, extra: '1' }], [{ to: 'ab' }]])(
    'refuses %j: exactly one known field',
    (query) => {
      expect(supportQuery.safeParse(query).success).toBe(false);
    },
  );
});

describe('auditHash', () => {
  it('is the same for the same query, differs by kind, and never holds the query', async () => {
    const byTo = await search({ to: RAW.phone });
    const again = await search({ to: ' +81 90 1234 5678 ' });
    expect(auditHash(deps, byTo)).toBe(auditHash(deps, again));
    const asAccount = { ...byTo, kind: 'accountRef' as const };
    expect(auditHash(deps, asAccount)).not.toBe(auditHash(deps, byTo));
    expect(auditHash(deps, byTo)).not.toContain('9012345678');
  });

  it('is one hash for two spellings of one email address, as the index is one entry', async () => {
    const lower = await search({ to: 'taro.yamada@example.com' });
    const mixed = await search({ to: 'Taro.Yamada@Example.COM' });
    expect(auditHash(deps, mixed)).toBe(auditHash(deps, lower));
  });
});
