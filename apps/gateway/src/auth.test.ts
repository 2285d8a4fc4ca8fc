import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiKeyConfig, apiKeysSchema, createAuthenticator, createKeyLookup } from './auth.ts';
import { apiError, type Served, serve } from './test-support.ts';

const VERIFY_KEY = 'sk_verify_0123456789abcdefghij';
const SUPPORT_KEY = 'sk_support_0123456789abcdefghi';
const KEYS: ApiKeyConfig[] = [
  { name: 'acme', key: VERIFY_KEY, scopes: ['verify'] },
  { name: 'helpdesk', key: SUPPORT_KEY, scopes: ['support'] },
];

let served: Served;

beforeAll(async () => {
  const requireScope = createAuthenticator(KEYS);
  served = await serve((app) => {
    app.get('/verify', requireScope('verify'), (_req, res) => {
      res.json({ client: res.locals.client });
    });
    app.get('/support', requireScope('support'), (_req, res) => {
      res.json({ client: res.locals.client });
    });
  });
});

afterAll(() => served.close());

const get = (path: string, authorization?: string) =>
  fetch(`${served.url}${path}`, authorization === undefined ? {} : { headers: { authorization } });

describe('Bearer authentication', () => {
  it('lets a key with the scope through, as its client and nothing more', async () => {
    const response = await get('/verify', `Bearer ${VERIFY_KEY}`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ client: { name: 'acme', scopes: ['verify'] } });
  });

  it.each(['bearer', 'BEARER', 'BeArEr'])('takes the scheme in any case: %s', async (scheme) => {
    const response = await get('/verify', `${scheme} ${VERIFY_KEY}`);
    expect(response.status).toBe(200);
  });

  it('does not take the key in another case', async () => {
    const response = await get('/verify', `Bearer ${VERIFY_KEY.toUpperCase()}`);
    expect(response.status).toBe(401);
  });

  it.each([
    ['no header', undefined],
    ['a wrong key of the same length', `Bearer ${VERIFY_KEY.slice(0, -1)}X`],
    ['a prefix of a key', `Bearer ${VERIFY_KEY.slice(0, 24)}`],
    ['a key with more after it', `Bearer ${VERIFY_KEY}0`],
    ['another scheme', `Basic ${VERIFY_KEY}`],
    ['an empty key', 'Bearer '],
    ['a key longer than 512 characters', `Bearer ${'k'.repeat(513)}`],
  ])('answers 401 unauthorized, asking for a Bearer key, to %s', async (_case, authorization) => {
    const response = await get('/verify', authorization);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    const error = await apiError(response);
    expect(error.code).toBe('unauthorized');
    // The answer never echoes what was sent.
    expect(JSON.stringify(error)).not.toContain(VERIFY_KEY.slice(0, 24));
  });

  it('answers 403 forbidden, naming the scope, to a valid key without it', async () => {
    const verifyOnSupport = await get('/support', `Bearer ${VERIFY_KEY}`);
    expect(verifyOnSupport.status).toBe(403);
    const error = await apiError(verifyOnSupport);
    expect(error.code).toBe('forbidden');
    expect(error.message).toContain('"support"');
    expect((await get('/verify', `Bearer ${SUPPORT_KEY}`)).status).toBe(403);
    expect((await get('/support', `Bearer ${SUPPORT_KEY}`)).status).toBe(200);
  });
});

describe('createKeyLookup', () => {
  const lookup = createKeyLookup(KEYS);

  it('finds each key its own client', () => {
    expect(lookup(VERIFY_KEY)).toEqual({ name: 'acme', scopes: ['verify'] });
    expect(lookup(SUPPORT_KEY)).toEqual({ name: 'helpdesk', scopes: ['support'] });
  });

  it('compares digests, so a key of any length is simply not found (timingSafeEqual never throws)', () => {
    for (const key of ['', 'x', VERIFY_KEY.slice(0, -1), `${VERIFY_KEY} `, 'k'.repeat(10_000)]) {
      expect(lookup(key)).toBeUndefined();
    }
  });

  it('does not hand out the configured key with the client', () => {
    expect(JSON.stringify(lookup(VERIFY_KEY))).not.toContain(VERIFY_KEY);
  });
});

describe('apiKeysSchema', () => {
  const entry = { name: 'acme', key: VERIFY_KEY, scopes: ['verify'] };

  it('accepts a well-formed list', () => {
    expect(apiKeysSchema.parse([entry])).toEqual([entry]);
  });

  it.each([
    ['an empty list', []],
    ['a key under 24 characters', [{ ...entry, key: 'short-key-123' }]],
    ['a name with a space', [{ ...entry, name: 'ac me' }]],
    ['no scope', [{ ...entry, scopes: [] }]],
    ['an unknown scope', [{ ...entry, scopes: ['admin'] }]],
  ])('refuses %s', (_case, value) => {
    expect(apiKeysSchema.safeParse(value).success).toBe(false);
  });
});
