import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiKeyConfig } from '../auth.ts';
import { jsonOf, type Served, serve, silentLogger } from '../test-support.ts';
import { requireBasicVerify } from './auth.ts';
import { twilioErrorHandler } from './errors.ts';

const VERIFY_KEY = 'sk_verify_0123456789abcdefghij';
// A key may hold a colon: only the first one separates the Account SID from it.
const COLON_KEY = 'sk:colon:0123456789abcdefghijk';
const SUPPORT_KEY = 'sk_support_0123456789abcdefghi';
const KEYS: ApiKeyConfig[] = [
  { name: 'acme', key: VERIFY_KEY, scopes: ['verify'] },
  { name: 'colons', key: COLON_KEY, scopes: ['verify', 'support'] },
  { name: 'helpdesk', key: SUPPORT_KEY, scopes: ['support'] },
];

let served: Served;

beforeAll(async () => {
  served = await serve(
    (app) => {
      app.get('/v2/whoami', requireBasicVerify(KEYS), (_req, res) => {
        res.json({ client: res.locals.client, twilio: res.locals.twilio });
      });
    },
    twilioErrorHandler({ logger: silentLogger }),
  );
});

afterAll(() => served.close());

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

const whoami = (authorization?: string) =>
  fetch(`${served.url}/v2/whoami`, authorization === undefined ? {} : { headers: { authorization } });

describe('Twilio-compatible Basic auth', () => {
  it('takes the API key as the auth token and echoes the Account SID it was sent with', async () => {
    const response = await whoami(basic('AC0123456789abcdef', VERIFY_KEY));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      client: { name: 'acme', scopes: ['verify'] },
      twilio: { accountSid: 'AC0123456789abcdef' },
    });
  });

  it('splits user and password at the first colon, so a key may contain colons', async () => {
    const response = await whoami(basic('ACsid', COLON_KEY));
    expect(response.status).toBe(200);
    expect(await jsonOf(response)).toMatchObject({ client: { name: 'colons' } });
  });

  it('takes the scheme in any case (RFC 9110)', async () => {
    const response = await whoami(basic('ACsid', VERIFY_KEY).replace('Basic', 'BASIC'));
    expect(response.status).toBe(200);
  });

  it.each([
    ['no header', undefined],
    ['a wrong password', basic('ACsid', `${VERIFY_KEY.slice(0, -1)}X`)],
    ['the key as the user instead', basic(VERIFY_KEY, 'ACsid')],
    ['no colon', `Basic ${Buffer.from(VERIFY_KEY).toString('base64')}`],
    ['a Bearer key', `Bearer ${VERIFY_KEY}`],
    ['characters outside base64', `Basic ${VERIFY_KEY}!`],
  ])("answers Twilio's 401 (20003), asking for Basic auth, to %s", async (_case, authorization) => {
    const response = await whoami(authorization);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Basic realm="Twilio API"');
    expect(await response.json()).toEqual({
      code: 20003,
      message: 'Authentication Error - invalid username or password',
      more_info: 'https://www.twilio.com/docs/errors/20003',
      status: 401,
    });
  });

  it('answers 403 (20003) to a valid key without the verify scope', async () => {
    const response = await whoami(basic('ACsid', SUPPORT_KEY));
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ code: 20003, status: 403 });
  });
});
