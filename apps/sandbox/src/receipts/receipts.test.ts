import { createHash } from 'node:crypto';
import { AlgorithmTypes, Auth } from '@vonage/auth';
import { verifySignature } from '@vonage/jwt';
import { SMS } from '@vonage/sms';
import twilio from 'twilio';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../index.ts';
import { type CallbackRecorder, type RecordedCallback, startCallbackRecorder } from './recorder.ts';

const ACCOUNT = `AC${'0'.repeat(32)}`;
const AUTH_TOKEN = 'account-auth-token';
const SIGNATURE_SECRET = 'test-signature-secret';
const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
/** An application JWT as @vonage/jwt makes them; the sandbox reads it without checking it. */
const applicationJwt = [
  { alg: 'RS256', typ: 'JWT' },
  { application_id: 'app-42', iat: 1 },
]
  .map((part) => Buffer.from(JSON.stringify(part)).toString('base64url'))
  .concat('c2ln')
  .join('.');

const formParams = (callback: RecordedCallback) => Object.fromEntries(new URLSearchParams(callback.body));
const jsonParams = (callback: RecordedCallback) => JSON.parse(callback.body) as Record<string, string>;

describe('sandbox receipts', () => {
  let sandbox: Sandbox;
  let gateway: CallbackRecorder;
  beforeAll(async () => {
    sandbox = await startSandbox({ receiptDelayMs: 5, vonageSignatureSecret: SIGNATURE_SECRET });
  });
  afterAll(() => sandbox.close());
  beforeEach(async () => {
    sandbox.clear();
    sandbox.clearFaults();
    gateway = await startCallbackRecorder();
    return () => gateway.close();
  });

  const twilioPost = (resource: 'Messages' | 'Calls', form: Record<string, string | string[]>) => {
    const body = new URLSearchParams();
    for (const [name, value] of Object.entries(form)) {
      for (const item of [value].flat()) body.append(name, item);
    }
    return fetch(`${sandbox.httpUrl}/2010-04-01/Accounts/${ACCOUNT}/${resource}.json`, {
      method: 'POST',
      headers: {
        authorization: basic(ACCOUNT, AUTH_TOKEN),
        'content-type': 'application/x-www-form-urlencoded',
      },
      body,
    });
  };
  const twilioSms = (callback: string) =>
    twilioPost('Messages', {
      To: '+819012345678',
      From: '+15005550006',
      Body: 'Code 123456',
      StatusCallback: callback,
    });
  const twilioCall = (callback: string, events?: string[]) =>
    twilioPost('Calls', {
      To: '+819012345678',
      From: '+15005550006',
      Twiml: '<Response><Say>1, 2, 3, 4</Say></Response>',
      StatusCallback: callback,
      ...(events === undefined ? {} : { StatusCallbackEvent: events }),
    });
  const vonageSms = (callback: string) =>
    fetch(`${sandbox.httpUrl}/sms/json`, {
      method: 'POST',
      headers: { authorization: basic('api-key', 'secret'), 'content-type': 'application/json' },
      body: JSON.stringify({
        from: 'Contoso',
        to: '819012345678',
        text: 'Code 654321',
        'client-ref': 'ver_1:0',
        callback,
      }),
    });
  const vonageCall = (callback: string) =>
    fetch(`${sandbox.httpUrl}/v1/calls`, {
      method: 'POST',
      headers: { authorization: `Bearer ${applicationJwt}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        to: [{ type: 'phone', number: '819012345678' }],
        from: { type: 'phone', number: '815012345678' },
        ncco: [{ action: 'talk', text: '1, 2, 3, 4' }],
        event_url: [callback],
        event_method: 'POST',
      }),
    });

  const twilioReceipts = async (url: string) => {
    await sandbox.receiptsSettled();
    return gateway.received.map((callback) => {
      const params = formParams(callback);
      const signature = callback.headers['x-twilio-signature'];
      expect(callback.headers['content-type']).toBe('application/x-www-form-urlencoded');
      expect(twilio.validateRequest(AUTH_TOKEN, String(signature), url, params)).toBe(true);
      return params;
    });
  };

  it('posts Twilio SMS statuses, signed with the auth token, then marks the message delivered', async () => {
    const url = `${gateway.url}/webhooks/twilio/status?ref=ver_1`;
    const { sid } = (await (await twilioSms(url)).json()) as { sid: string };
    expect(sandbox.messages()).toMatchObject([{ status: 'accepted', callbackUrl: url }]);

    const receipts = await twilioReceipts(url);
    expect(gateway.received.map((callback) => callback.url)).toEqual([
      '/webhooks/twilio/status?ref=ver_1',
      '/webhooks/twilio/status?ref=ver_1',
    ]);
    expect(receipts).toEqual([
      {
        AccountSid: ACCOUNT,
        ApiVersion: '2010-04-01',
        From: '+15005550006',
        MessageSid: sid,
        MessageStatus: 'sent',
        SmsSid: sid,
        SmsStatus: 'sent',
        To: '+819012345678',
      },
      expect.objectContaining({ MessageStatus: 'delivered', SmsStatus: 'delivered' }),
    ]);
    expect(sandbox.messages()).toMatchObject([{ status: 'delivered', lastCallbackStatus: 204 }]);
  });

  it('sends a Twilio undelivered receipt with 30003 for an undelivered fault', async () => {
    sandbox.addFault({ provider: 'twilio', channel: 'sms', mode: 'undelivered' });
    const url = `${gateway.url}/status`;
    expect((await twilioSms(url)).status).toBe(201);
    const receipts = await twilioReceipts(url);
    expect(receipts.map((params) => [params.MessageStatus, params.ErrorCode])).toEqual([
      ['sent', undefined],
      ['undelivered', '30003'],
    ]);
    expect(sandbox.messages()).toMatchObject([{ status: 'undelivered' }]);
  });

  it('posts the Twilio call progress events the client asked for', async () => {
    const url = `${gateway.url}/status`;
    const { sid } = (await (
      await twilioCall(url, ['initiated', 'ringing', 'answered', 'completed'])
    ).json()) as {
      sid: string;
    };
    const receipts = await twilioReceipts(url);
    expect(receipts.map((params) => params.CallStatus)).toEqual([
      'initiated',
      'ringing',
      'in-progress',
      'completed',
    ]);
    expect(receipts[3]).toMatchObject({
      CallSid: sid,
      AccountSid: ACCOUNT,
      Direction: 'outbound-api',
      To: '+819012345678',
      From: '+15005550006',
      ApiVersion: '2010-04-01',
      CallDuration: expect.stringMatching(/^\d+$/),
    });
    expect(sandbox.messages()).toMatchObject([{ status: 'delivered' }]);
  });

  it('sends only `completed` for a Twilio call that asked for no events, and no-answer when undelivered', async () => {
    const url = `${gateway.url}/status`;
    await twilioCall(url);
    expect((await twilioReceipts(url)).map((params) => params.CallStatus)).toEqual(['completed']);

    gateway.forget();
    sandbox.addFault({ provider: 'twilio', channel: 'voice', mode: 'undelivered' });
    await twilioCall(url, ['initiated ringing answered completed']);
    expect((await twilioReceipts(url)).map((params) => params.CallStatus)).toEqual([
      'initiated',
      'ringing',
      'no-answer',
    ]);
    expect(sandbox.messages().map((message) => message.status)).toEqual(['delivered', 'undelivered']);
  });

  it('posts a Vonage SMS DLR as JSON that SMS.verifySignature accepts', async () => {
    const url = `${gateway.url}/webhooks/vonage/sms`;
    const response = (await (await vonageSms(url)).json()) as { messages: Array<{ 'message-id': string }> };
    await sandbox.receiptsSettled();

    expect(gateway.received).toHaveLength(1);
    const [dlr] = gateway.received.map(jsonParams);
    expect(gateway.received[0]?.headers['content-type']).toBe('application/json');
    expect(dlr).toEqual({
      msisdn: '819012345678',
      to: 'Contoso',
      'network-code': expect.any(String),
      messageId: response.messages[0]?.['message-id'],
      price: expect.any(String),
      status: 'delivered',
      scts: expect.stringMatching(/^\d{10}$/),
      'err-code': '0',
      'api-key': 'api-key',
      'client-ref': 'ver_1:0',
      'message-timestamp': expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/),
      timestamp: expect.stringMatching(/^\d{10}$/),
      nonce: expect.any(String),
      sig: expect.any(String),
    });
    const sms = new SMS(new Auth({ apiKey: 'api-key', apiSecret: 'secret' }));
    expect(
      sms.verifySignature(String(dlr?.sig), dlr ?? {}, SIGNATURE_SECRET, AlgorithmTypes.sha256hmac),
    ).toBe(true);
    expect(sandbox.messages()).toMatchObject([{ status: 'delivered', callbackUrl: url }]);
  });

  it('sends a failed Vonage DLR for an undelivered fault', async () => {
    sandbox.addFault({ provider: 'vonage', channel: 'sms', mode: 'undelivered' });
    await vonageSms(`${gateway.url}/dlr`);
    await sandbox.receiptsSettled();
    expect(gateway.received.map(jsonParams)).toMatchObject([{ status: 'failed', 'err-code': '1' }]);
    expect(sandbox.messages()).toMatchObject([{ status: 'undelivered' }]);
  });

  it('posts Vonage call events with a JWT that @vonage/jwt verifies and that hashes the body', async () => {
    const url = `${gateway.url}/webhooks/vonage/voice`;
    const call = (await (await vonageCall(url)).json()) as { uuid: string; conversation_uuid: string };
    await sandbox.receiptsSettled();

    const events = gateway.received.map(jsonParams);
    expect(events.map((event) => event.status)).toEqual(['started', 'ringing', 'answered', 'completed']);
    expect(events[3]).toMatchObject({
      uuid: call.uuid,
      conversation_uuid: call.conversation_uuid,
      direction: 'outbound',
      to: '819012345678',
      from: '815012345678',
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    for (const event of gateway.received) {
      const token = String(event.headers.authorization).replace(/^Bearer /, '');
      expect(verifySignature(token, SIGNATURE_SECRET)).toBe(true);
      const [, payload = ''] = token.split('.');
      expect(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'))).toMatchObject({
        iss: 'Vonage',
        application_id: 'app-42',
        payload_hash: createHash('sha256').update(event.body).digest('hex'),
      });
    }
    expect(sandbox.messages()).toMatchObject([{ status: 'delivered' }]);
  });

  it('ends a Vonage call nobody answers with unanswered', async () => {
    sandbox.addFault({ provider: 'vonage', channel: 'voice', mode: 'undelivered' });
    await vonageCall(`${gateway.url}/events`);
    await sandbox.receiptsSettled();
    expect(gateway.received.map((event) => jsonParams(event).status)).toEqual([
      'started',
      'ringing',
      'unanswered',
    ]);
    expect(sandbox.messages()).toMatchObject([{ status: 'undelivered' }]);
  });

  it('sends nothing for a no_receipt fault, and the message stays accepted', async () => {
    sandbox.addFault({ provider: 'twilio', mode: 'no_receipt' });
    sandbox.addFault({ provider: 'vonage', mode: 'no_receipt' });
    await twilioSms(`${gateway.url}/a`);
    await twilioCall(`${gateway.url}/b`, ['completed']);
    await vonageSms(`${gateway.url}/c`);
    await vonageCall(`${gateway.url}/d`);
    await sandbox.receiptsSettled();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(gateway.received).toEqual([]);
    expect(sandbox.messages().map((message) => message.status)).toEqual([
      'accepted',
      'accepted',
      'accepted',
      'accepted',
    ]);
  });

  it('records what the callback URL answered, and shrugs off one that cannot be reached', async () => {
    gateway.answerWith(500);
    await twilioSms(`${gateway.url}/status`);
    await sandbox.receiptsSettled();
    expect(gateway.received).toHaveLength(2);
    expect(sandbox.messages()).toMatchObject([{ status: 'delivered', lastCallbackStatus: 500 }]);

    sandbox.clear();
    await gateway.close();
    await vonageSms(`${gateway.url}/gone`);
    await sandbox.receiptsSettled();
    const [message] = sandbox.messages();
    expect(message).toMatchObject({ status: 'delivered' });
    expect(message).not.toHaveProperty('lastCallbackStatus');
  });
});
