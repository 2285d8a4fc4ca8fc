import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from './index.ts';

const ACCOUNT = `AC${'0'.repeat(32)}`;
const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('sandbox HTTP API', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ httpPort: 0, smtpPort: 0 });
  });
  afterAll(() => sandbox.close());
  beforeEach(() => sandbox.clear());

  const twilio = (
    resource: 'Messages' | 'Calls',
    form: Record<string, string>,
    auth = basic(ACCOUNT, 'token'),
  ) =>
    fetch(`${sandbox.httpUrl}/2010-04-01/Accounts/${ACCOUNT}/${resource}.json`, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form),
    });

  it('answers /healthz', async () => {
    expect((await fetch(`${sandbox.httpUrl}/healthz`)).status).toBe(200);
  });

  it('lists messages by destination, normalising the query, and clears them', async () => {
    await twilio('Messages', { To: '+819012345678', From: '+15005550006', Body: 'Code 111111' });
    await twilio('Messages', { To: '+819087654321', From: '+15005550006', Body: 'Code 222222' });
    await twilio('Messages', { To: '+819012345678', From: '+15005550006', Body: 'Code 333333' });

    const list = async (query: string) => {
      const response = await fetch(`${sandbox.httpUrl}/messages${query}`);
      const messages = (await response.json()) as Array<{ code: string }>;
      return messages.map((message) => message.code);
    };
    expect(await list('?to=%2B819012345678')).toEqual(['111111', '333333']);
    expect(await list('?to=+819012345678')).toEqual(['111111', '333333']); // '+' arrives as a space
    expect(await list('?to=%20%2081-9012-345678%20')).toEqual(['111111', '333333']);
    expect(await list('')).toEqual(['111111', '222222', '333333']);

    expect((await fetch(`${sandbox.httpUrl}/messages`, { method: 'DELETE' })).status).toBe(204);
    expect(await list('')).toEqual([]);
  });

  it('requires Twilio Basic auth for the account in the path', async () => {
    const missing = await twilio('Messages', { To: '+819012345678', From: '+1500', Body: 'x' }, '');
    expect(missing.status).toBe(401);
    expect(await missing.json()).toMatchObject({ code: 20003, status: 401 });
    const otherAccount = await twilio(
      'Messages',
      { To: '+819012345678', From: '+1500', Body: 'x' },
      basic(`AC${'1'.repeat(32)}`, 't'),
    );
    expect(otherAccount.status).toBe(401);
  });

  it('rejects a non-E.164 Twilio destination with 21211', async () => {
    const response = await twilio('Messages', {
      To: '090-1234-5678',
      From: '+15005550006',
      Body: 'Code 123456',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      code: 21211,
      message: "The 'To' number 090-1234-5678 is not a valid phone number.",
      more_info: 'https://www.twilio.com/docs/errors/21211',
      status: 400,
    });
    expect(sandbox.messages()).toEqual([]);
  });

  it('records what a Twilio call says', async () => {
    const twiml =
      '<?xml version="1.0" encoding="UTF-8"?><Response><Say language="en-US">Contoso &amp; co. Your code is 1, 2, 3, 4.</Say><Pause length="1"/><Say>Again: 1, 2, 3, 4.</Say></Response>';
    const response = await twilio('Calls', { To: '+14155550100', From: '+15005550006', Twiml: twiml });
    expect(response.status).toBe(201);
    const call = (await response.json()) as { sid: string };
    expect(call.sid).toMatch(/^CA[0-9a-f]{32}$/);
    expect(sandbox.messages()).toMatchObject([
      {
        channel: 'voice',
        provider: 'twilio',
        to: '+14155550100',
        code: '1234',
        body: 'Contoso & co. Your code is 1, 2, 3, 4. Again: 1, 2, 3, 4.',
        providerMessageId: call.sid,
      },
    ]);
  });

  it('answers Vonage SMS with per-message status, 3 for an invalid number', async () => {
    const send = (to: string) =>
      fetch(`${sandbox.httpUrl}/sms/json`, {
        method: 'POST',
        headers: { authorization: basic('key', 'secret'), 'content-type': 'application/json' },
        body: JSON.stringify({ from: 'Contoso', to, text: 'Code 654321' }),
      }).then((response) => response.json());
    expect(await send('not-a-number')).toEqual({
      'message-count': '1',
      messages: [{ status: '3', 'error-text': 'Invalid to address' }],
    });
    expect(await send('819012345678')).toMatchObject({ messages: [{ status: '0', to: '819012345678' }] });
    expect(sandbox.messages()).toMatchObject([{ provider: 'vonage', to: '+819012345678', code: '654321' }]);
  });

  it('requires a bearer JWT for Vonage calls', async () => {
    const response = await fetch(`${sandbox.httpUrl}/v1/calls`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ to: [{ type: 'phone', number: '819012345678' }] }),
    });
    expect(response.status).toBe(401);
  });
});
