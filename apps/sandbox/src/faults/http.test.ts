import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../index.ts';

const ACCOUNT = `AC${'0'.repeat(32)}`;
const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('sandbox fault and request-count API', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox();
  });
  afterAll(() => sandbox.close());
  beforeEach(async () => {
    sandbox.clear();
    sandbox.clearFaults();
  });

  const json = (method: string, path: string, body?: unknown) =>
    fetch(`${sandbox.httpUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
  const twilioSms = (auth = basic(ACCOUNT, 'token')) =>
    fetch(`${sandbox.httpUrl}/2010-04-01/Accounts/${ACCOUNT}/Messages.json`, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ To: '+819012345678', From: '+15005550006', Body: 'Code 123456' }),
    });
  const vonageSms = () =>
    fetch(`${sandbox.httpUrl}/sms/json`, {
      method: 'POST',
      headers: { authorization: basic('key', 'secret'), 'content-type': 'application/json' },
      body: JSON.stringify({ from: 'Contoso', to: '819012345678', text: 'Code 654321' }),
    });

  it('adds, lists and clears faults', async () => {
    const created = await json('POST', '/faults', {
      provider: 'twilio',
      channel: 'sms',
      mode: 'error',
      count: 2,
    });
    expect(created.status).toBe(201);
    const fault = await created.json();
    expect(fault).toEqual({
      id: expect.stringMatching(/^flt_/),
      provider: 'twilio',
      channel: 'sms',
      mode: 'error',
      rate: 1,
      latencyMs: 0,
      count: 2,
    });
    expect(await (await json('GET', '/faults')).json()).toEqual([fault]);
    expect((await json('DELETE', '/faults')).status).toBe(204);
    expect(await (await json('GET', '/faults')).json()).toEqual([]);
  });

  it.each([
    [{ provider: 'sinch', mode: 'error' }, 'provider'],
    [{ provider: 'twilio', mode: 'explode' }, 'mode'],
    [{ provider: 'twilio', mode: 'error', rate: 1.5 }, 'rate'],
    [{ provider: 'twilio', mode: 'error', status: 200 }, 'status'],
    [{ provider: 'vonage', channel: 'email', mode: 'error' }, 'vonage serves sms and voice, not email'],
    [{ provider: 'smtp', mode: 'no_receipt' }, 'smtp sends no delivery receipts'],
    [{ provider: 'twilio', mode: 'require_dkim' }, 'require_dkim only applies to smtp'],
    [{ provider: 'twilio', mode: 'timeout', count: 0 }, 'count'],
    [{ provider: 'twilio', mode: 'timeout', extra: true }, 'extra'],
    ['{"provider":', 'could not be read'],
  ])('refuses %j with a 400 naming the problem', async (body, problem) => {
    const response = await json('POST', '/faults', body);
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: { code: string; message: string } };
    expect(error.message).toContain(problem);
    expect(sandbox.faults()).toEqual([]);
  });

  it('answers Twilio errors with 20500 for a 5xx and 20429 for a 429', async () => {
    sandbox.addFault({ provider: 'twilio', mode: 'error', count: 1 });
    sandbox.addFault({ provider: 'twilio', mode: 'error', status: 429, count: 1 });
    const unavailable = await twilioSms();
    expect(unavailable.status).toBe(503);
    expect(await unavailable.json()).toMatchObject({
      code: 20500,
      status: 503,
      more_info: expect.any(String),
    });
    const throttled = await twilioSms();
    expect(throttled.status).toBe(429);
    expect(await throttled.json()).toMatchObject({ code: 20429, status: 429 });
    expect((await twilioSms()).status).toBe(201);
    expect(sandbox.messages()).toHaveLength(1);
  });

  it('throttles Vonage SMS the way the SMS API does: 200 with status 1', async () => {
    sandbox.addFault({ provider: 'vonage', channel: 'sms', mode: 'error', status: 429 });
    const response = await vonageSms();
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      'message-count': '1',
      messages: [{ status: '1', 'error-text': 'Throttled' }],
    });
    expect(sandbox.messages()).toEqual([]);
  });

  it('delays the answer by latencyMs', async () => {
    sandbox.addFault({ provider: 'vonage', mode: 'no_receipt', latencyMs: 200 });
    const started = performance.now();
    expect((await vonageSms()).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
    expect(sandbox.messages()).toMatchObject([{ provider: 'vonage', status: 'accepted' }]);
  });

  it('counts every call per provider and channel, faulted or refused, and resets with the messages', async () => {
    sandbox.addFault({ provider: 'twilio', mode: 'error', count: 1 });
    await twilioSms();
    await twilioSms();
    await twilioSms(basic(ACCOUNT, ''));
    await vonageSms();
    const expected = {
      'smtp:email': 0,
      'twilio:sms': 3,
      'twilio:voice': 0,
      'vonage:sms': 1,
      'vonage:voice': 0,
    };
    expect(await (await json('GET', '/requests')).json()).toEqual(expected);
    expect(sandbox.requests()).toEqual(expected);
    expect((await json('DELETE', '/messages')).status).toBe(204);
    expect(sandbox.requests()).toEqual({ ...expected, 'twilio:sms': 0, 'vonage:sms': 0 });
  });
});
