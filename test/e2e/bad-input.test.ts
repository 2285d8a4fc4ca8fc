import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSystem, type TestSystem } from '../helpers/system.ts';

const ERROR_SHAPE = {
  error: { code: expect.stringMatching(/^[a-z_]+$/), message: expect.any(String) },
};

describe('bad input gets a 4xx in the documented shape and changes nothing', () => {
  let system: TestSystem;
  let id: string;
  const checks = () => `/v1/verifications/${id}/checks`;

  beforeAll(async () => {
    system = await startTestSystem();
    id = (await system.api('POST', '/v1/verifications', { to: 'bad-input@example.com' })).body.id;
    await system.messagesFor('bad-input@example.com');
  });
  afterAll(() => system.close());

  const routes = [
    ['POST', '/v1/verifications', { to: 'someone@example.com' }],
    ['GET', '/v1/verifications/ver_00000000000000000000000000000000', undefined],
    ['POST', '/v1/verifications/ver_00000000000000000000000000000000/checks', { code: '123456' }],
    ['POST', '/v1/verifications/ver_00000000000000000000000000000000/cancel', undefined],
  ] as const;

  it.each(routes)(
    '%s %s: no key → 401, wrong key → 401, support-only key → 403',
    async (method, path, body) => {
      const none = await system.api(method, path, body, null);
      expect(none).toMatchObject({ status: 401, body: { error: { code: 'unauthorized' } } });
      const wrong = await system.api(method, path, body, `${system.verifyKey}x`);
      expect(wrong).toMatchObject({ status: 401, body: { error: { code: 'unauthorized' } } });
      const scope = await system.api(method, path, body, system.supportKey);
      expect(scope).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
    },
  );

  it.each([
    ['not JSON', '{"to":', 400, 'invalid_json'],
    ['an array', '[]', 400, 'validation_failed'],
    ['an unknown field', { to: 'a@example.com', colour: 'red' }, 400, 'validation_failed'],
    ['no destination', {}, 400, 'validation_failed'],
    ['an unknown channel', { to: 'a@example.com', channel: 'fax' }, 400, 'validation_failed'],
    ['a code length of 3', { to: 'a@example.com', codeLength: 3 }, 400, 'validation_failed'],
    ['a lifetime of 10 s', { to: 'a@example.com', ttlSeconds: 10 }, 400, 'validation_failed'],
    [
      'a brand that is a domain',
      { to: 'a@example.com', brand: 'evil.example.com' },
      400,
      'validation_failed',
    ],
    ['a bad IP', { to: 'a@example.com', endUserIp: '999.1.1.1' }, 400, 'validation_failed'],
    ['a bad email', { to: 'not an address@' }, 400, 'invalid_destination'],
    ['a bad number', { to: '+81 12' }, 400, 'invalid_destination'],
    ['sms to an email address', { to: 'a@example.com', channel: 'sms' }, 400, 'channel_mismatch'],
    [
      'a fallback email by voice',
      { to: '+819012345678', fallbacks: [{ to: 'a@example.com', channel: 'voice' }] },
      400,
      'channel_mismatch',
    ],
    ['a 20 KB body', { to: 'a@example.com', accountRef: 'x'.repeat(20_000) }, 413, 'payload_too_large'],
  ])('POST /v1/verifications with %s → %i %s', async (_label, body, status, code) => {
    const before = system.sandbox.messages().length;
    const response = await system.api('POST', '/v1/verifications', body);
    expect(response.status).toBe(status);
    expect(response.body).toMatchObject(ERROR_SHAPE);
    expect(response.body.error.code).toBe(code);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(system.sandbox.messages().length).toBe(before);
  });

  it('answers 415 to a body that is not sent as JSON', async () => {
    const response = await fetch(`${system.gateway.url}/v1/verifications`, {
      method: 'POST',
      headers: { authorization: `Bearer ${system.verifyKey}`, 'content-type': 'text/plain' },
      body: 'to=a@example.com',
    });
    expect(response.status).toBe(415);
    expect(await response.json()).toMatchObject({ error: { code: 'unsupported_media_type' } });
  });

  it.each([['abc'], ['12a456'], [''], ['1'.repeat(11)]])(
    'a code input of %j is a 400 that costs no attempt',
    async (code) => {
      const response = await system.api('POST', checks(), { code });
      expect(response).toMatchObject({ status: 400, body: { error: { code: 'invalid_code_format' } } });
      const view = await system.api('GET', `/v1/verifications/${id}`);
      expect(view.body).toMatchObject({ status: 'pending', remainingAttempts: 5 });
    },
  );

  it.each([
    ['a number', { code: 123456 }],
    ['an extra field', { code: '123456', to: 'x' }],
    ['no code', {}],
  ])('a check body with %s → 400 validation_failed', async (_label, body) => {
    const response = await system.api('POST', checks(), body);
    expect(response).toMatchObject({ status: 400, body: { error: { code: 'validation_failed' } } });
  });

  it.each([
    ['GET', '/v1/verifications/ver_00000000000000000000000000000000'],
    ['GET', '/v1/verifications/not-an-id'],
    ['POST', '/v1/verifications/..%2F..%2Fetc/cancel'],
    ['GET', '/v1/nothing-here'],
    ['DELETE', '/v1/verifications'],
  ])('%s %s → 404 not_found', async (method, path) => {
    const response = await system.api(method, path);
    expect(response).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
  });

  it("another client's key cannot see, check or cancel a verification", async () => {
    const other = system.otherClientKey;
    expect((await system.api('GET', `/v1/verifications/${id}`, undefined, other)).status).toBe(404);
    expect((await system.api('POST', checks(), { code: '123456' }, other)).status).toBe(404);
    expect((await system.api('POST', `/v1/verifications/${id}/cancel`, undefined, other)).status).toBe(404);
    const view = await system.api('GET', `/v1/verifications/${id}`);
    expect(view.body).toMatchObject({ status: 'pending', remainingAttempts: 5 });
  });
});
