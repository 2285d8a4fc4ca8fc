import { type RedisConnection, receiptDueKey, verificationKeys } from '@sendcode/store';
import { type ApiEvent, eventually, testRedisConnection, types } from '@sendcode/testing';
import twilio from 'twilio';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { vonageJwt, vonageSig } from '../helpers/sign.ts';
import { startTestSystem, type TestSystem } from '../helpers/system.ts';

describe('signed delivery receipts drive the plan', () => {
  let system: TestSystem;
  let redis: RedisConnection;
  const view = async (id: string) => (await system.api('GET', `/v1/verifications/${id}`)).body;
  /** The verification's entries in the receipt timeouts' due set. */
  const awaited = async (id: string) =>
    (await redis.zrange(receiptDueKey(system.env.SENDCODE_PREFIX ?? ''), '0', '-1')).filter((member) =>
      member.startsWith(`${id}-`),
    );

  beforeAll(async () => {
    system = await startTestSystem({ SMS_RECEIPT_TIMEOUT_SECONDS: '1', VOICE_RECEIPT_TIMEOUT_SECONDS: '1' });
    redis = testRedisConnection();
  });
  beforeEach(() => system.sandbox.clearFaults());
  afterAll(async () => {
    await redis.quit();
    await system.close();
  });

  it.each([
    ['twilio', 'sms', '+819012350001'],
    ['twilio', 'voice', '+819012350002'],
  ])('records the delivered receipt of a %s %s send', async (_provider, channel, to) => {
    const created = await system.api('POST', '/v1/verifications', { to, channel });
    const body = await eventually(
      () => view(created.body.id),
      (b) => types(b.timeline).includes('delivered'),
    );
    expect(body.timeline.find((e: ApiEvent) => e.type === 'delivered')).toMatchObject({
      channel,
      provider: 'twilio',
    });
    const gateway = await (await fetch(`${system.gateway.url}/metrics`)).text();
    expect(gateway).toMatch(
      new RegExp(
        `sendcode_deliveries_total\\{channel="${channel}",provider="twilio",status="delivered"\\} [1-9]`,
      ),
    );
    expect(gateway).toMatch(
      new RegExp(`sendcode_receipt_seconds_count\\{channel="${channel}",provider="twilio"\\} [1-9]`),
    );
    // A final send leaves nothing in the due set (the receipt cancels its entry, or the sweep finds
    // nothing to do when the receipt beat the entry in).
    expect(
      await eventually(
        () => awaited(created.body.id),
        (left) => left.length === 0,
        5_000,
      ),
    ).toEqual([]);
  });

  it('an SMS accepted but never confirmed → a call after the channel timeout', async () => {
    system.sandbox.addFault({ provider: 'twilio', channel: 'sms', mode: 'no_receipt' });
    const to = '+819012350003';
    const created = await system.api('POST', '/v1/verifications', {
      to,
      fallbacks: [{ to, channel: 'voice' }],
    });
    const [sms, call] = await system.messagesFor(to, 2);
    expect(sms).toMatchObject({ channel: 'sms' });
    expect(call).toMatchObject({ channel: 'voice', code: sms?.code });
    const body = await view(created.body.id);
    const failover = body.timeline.find((e: ApiEvent) => e.type === 'failover');
    expect(failover).toMatchObject({ channel: 'voice', detail: { reason: 'no_receipt' } });
    const sent = body.timeline.find((e: ApiEvent) => e.type === 'sent');
    expect(Date.parse(failover.at) - Date.parse(sent.at)).toBeGreaterThanOrEqual(900);
  });

  it('an undelivered receipt → a call at once, counted as a failover', async () => {
    system.sandbox.addFault({ provider: 'twilio', channel: 'sms', mode: 'undelivered' });
    const to = '+819012350004';
    const created = await system.api('POST', '/v1/verifications', {
      to,
      fallbacks: [{ to, channel: 'voice' }],
    });
    const [, call] = await system.messagesFor(to, 2);
    expect(call).toMatchObject({ channel: 'voice' });
    const body = await view(created.body.id);
    expect(types(body.timeline)).toEqual(expect.arrayContaining(['sent', 'undelivered', 'failover']));
    const failover = body.timeline.find((e: ApiEvent) => e.type === 'failover');
    expect(failover).toMatchObject({ detail: { reason: 'undelivered' } });
    const sent = body.timeline.find((e: ApiEvent) => e.type === 'sent');
    expect(Date.parse(failover.at) - Date.parse(sent.at)).toBeLessThan(900);
    const gateway = await (await fetch(`${system.gateway.url}/metrics`)).text();
    expect(gateway).toMatch(
      /sendcode_failovers_total\{from_channel="sms",to_channel="voice",reason="undelivered"\} 1\b/,
    );
  });
});

describe('Vonage receipts: signed DLRs and JWT-signed call events', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem({ SMS_PROVIDERS: 'vonage', VOICE_PROVIDERS: 'vonage' });
  });
  afterAll(() => system.close());

  it.each([
    ['sms', '+447400123401'],
    ['voice', '+447400123402'],
  ])('records the delivered receipt of a vonage %s send', async (channel, to) => {
    const created = await system.api('POST', '/v1/verifications', { to, channel });
    const body = await eventually(
      async () => (await system.api('GET', `/v1/verifications/${created.body.id}`)).body,
      (b) => types(b.timeline).includes('delivered'),
    );
    expect(body.timeline.find((e: ApiEvent) => e.type === 'delivered')).toMatchObject({
      channel,
      provider: 'vonage',
    });
  });
});

describe('forged, tampered and replayed webhooks are refused and change nothing', () => {
  let system: TestSystem;
  let id: string;
  let messageSid: string;
  const to = '+819012350010';

  beforeAll(async () => {
    system = await startTestSystem({ SMS_RECEIPT_TIMEOUT_SECONDS: '60' });
    system.sandbox.addFault({ provider: 'twilio', channel: 'sms', mode: 'no_receipt' });
    id = (await system.api('POST', '/v1/verifications', { to, fallbacks: [{ to, channel: 'voice' }] })).body
      .id;
    const [sms] = await system.messagesFor(to);
    messageSid = sms?.providerMessageId ?? '';
  });
  afterAll(() => system.close());

  const post = (path: string, body: string, headers: Record<string, string>) =>
    fetch(`${system.gateway.url}${path}`, { method: 'POST', body, headers });
  const twilioParams = () => ({
    AccountSid: system.env.TWILIO_ACCOUNT_SID ?? '',
    MessageSid: messageSid,
    MessageStatus: 'undelivered',
    ErrorCode: '30003',
  });
  const form = { 'content-type': 'application/x-www-form-urlencoded' };

  /** The verification's sends document as stored (where receipt claims are kept). */
  async function storedSends() {
    const redis = testRedisConnection();
    try {
      const { sends } = verificationKeys(system.env.SENDCODE_PREFIX ?? '', id);
      const [list, plan, claims] = JSON.parse((await redis.get(sends)) ?? '[]'); // lua-includes/sends.lua
      return { sends: list, plan, claims };
    } finally {
      await redis.quit();
    }
  }

  async function unchanged() {
    const body = (await system.api('GET', `/v1/verifications/${id}`)).body;
    expect(types(body.timeline)).not.toContain('undelivered');
    expect(system.sandbox.messages().filter((m) => m.to === to)).toHaveLength(1);
  }

  it('Twilio: unsigned → 401, badly signed → 403', async () => {
    const path = `/webhooks/twilio/status?ref=${id}.1`;
    const body = new URLSearchParams(twilioParams()).toString();
    expect((await post(path, body, form)).status).toBe(401);
    // A signature of the wrong length, then one of the right length (28 base64 characters) that is wrong.
    for (const wrong of ['bm90IGEgc2lnbmF0dXJl', `${'A'.repeat(27)}=`]) {
      const forged = await post(path, body, { ...form, 'x-twilio-signature': wrong });
      expect(forged.status).toBe(403);
      expect(await forged.json()).toMatchObject({ error: { code: 'invalid_signature' } });
    }
    // Signed for another URL (another verification's ref): the signature covers the URL.
    const signature = twilio.getExpectedTwilioSignature(
      system.env.TWILIO_AUTH_TOKEN ?? '',
      `${system.gateway.url}/webhooks/twilio/status?ref=${id}.2`,
      twilioParams(),
    );
    expect((await post(path, body, { ...form, 'x-twilio-signature': signature })).status).toBe(403);
    await unchanged();
  });

  it('Vonage SMS: missing, wrong or stale signatures → 401/403', async () => {
    const secret = system.env.VONAGE_SIGNATURE_SECRET ?? '';
    const params = {
      messageId: 'x',
      status: 'failed',
      'client-ref': `${id}.1`,
      timestamp: String(Math.floor(Date.now() / 1000)),
    };
    const json = { 'content-type': 'application/json' };
    expect((await post('/webhooks/vonage/sms', JSON.stringify(params), json)).status).toBe(401);
    // Signed with another secret; too short; the right length but wrong; 64 characters but 128 bytes.
    const sigs = [vonageSig(params, 'x'.repeat(32)), 'abc', '0'.repeat(64), 'é'.repeat(64)];
    for (const sig of sigs) {
      const wrong = await post('/webhooks/vonage/sms', JSON.stringify({ ...params, sig }), json);
      expect(wrong.status).toBe(403);
      expect(await wrong.json()).toMatchObject({ error: { code: 'invalid_signature' } });
    }
    const stale = { ...params, timestamp: String(Math.floor(Date.now() / 1000) - 3_600) };
    const staleSigned = { ...stale, sig: vonageSig(stale, secret) };
    expect((await post('/webhooks/vonage/sms', JSON.stringify(staleSigned), json)).status).toBe(403);
    await unchanged();
  });

  it('Vonage voice: a bad JWT or a body that does not match its payload_hash → 401/403', async () => {
    const secret = system.env.VONAGE_SIGNATURE_SECRET ?? '';
    const event = JSON.stringify({ uuid: 'x', status: 'failed' });
    const path = `/webhooks/vonage/voice?ref=${id}.1`;
    const json = { 'content-type': 'application/json' };
    expect((await post(path, event, json)).status).toBe(401);
    const wrongKey = { ...json, authorization: `Bearer ${vonageJwt(event, 'x'.repeat(32))}` };
    expect((await post(path, event, wrongKey)).status).toBe(403);
    // Correctly signed, but its payload_hash has as many characters as a hash and more bytes.
    const odd = vonageJwt(event, secret, { payload_hash: 'é'.repeat(64) });
    const oddHash = await post(path, event, { ...json, authorization: `Bearer ${odd}` });
    expect(oddHash.status).toBe(403);
    expect(await oddHash.json()).toMatchObject({ error: { code: 'invalid_signature' } });
    const tampered = JSON.stringify({ uuid: 'x', status: 'busy' });
    const signedOther = { ...json, authorization: `Bearer ${vonageJwt(event, secret)}` };
    expect((await post(path, tampered, signedOther)).status).toBe(403);
    await unchanged();
  });

  it('a signed progress status is answered 200 every time and claims nothing', async () => {
    const path = `/webhooks/twilio/status?ref=${id}.1`;
    const params = { ...twilioParams(), MessageStatus: 'sent', ErrorCode: '' };
    const signature = twilio.getExpectedTwilioSignature(
      system.env.TWILIO_AUTH_TOKEN ?? '',
      `${system.gateway.url}${path}`,
      params,
    );
    const headers = { ...form, 'x-twilio-signature': signature };
    const body = new URLSearchParams(params).toString();
    expect((await post(path, body, headers)).status).toBe(200);
    expect((await post(path, body, headers)).status).toBe(200);
    const doc = await storedSends();
    expect(doc).toMatchObject({ sends: expect.any(Array) });
    expect(doc.claims).toBeUndefined();
    await unchanged();
  });

  it('a correctly signed receipt is applied once; the same request replayed is refused', async () => {
    const path = `/webhooks/twilio/status?ref=${id}.1`;
    const signature = twilio.getExpectedTwilioSignature(
      system.env.TWILIO_AUTH_TOKEN ?? '',
      `${system.gateway.url}${path}`,
      twilioParams(),
    );
    const headers = { ...form, 'x-twilio-signature': signature };
    const body = new URLSearchParams(twilioParams()).toString();
    expect((await post(path, body, headers)).status).toBe(200);
    const [, call] = await system.messagesFor(to, 2);
    expect(call).toMatchObject({ channel: 'voice' });

    // The claim is kept in the verification's sends document: no key of its own.
    expect((await storedSends()).claims).toHaveLength(1);
    const replay = await post(path, body, headers);
    expect(replay.status).toBe(403);
    expect(await replay.json()).toMatchObject({ error: { code: 'webhook_replayed' } });
    const metrics = await (await fetch(`${system.gateway.url}/metrics`)).text();
    expect(metrics).toMatch(/sendcode_webhook_rejected_total\{provider="twilio",reason="replayed"\} 1\b/);
    expect(metrics).toMatch(
      /sendcode_webhook_rejected_total\{provider="twilio",reason="invalid_signature"\} 3\b/,
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    const view = (await system.api('GET', `/v1/verifications/${id}`)).body;
    expect(types(view.timeline).filter((type: string) => type === 'failover')).toHaveLength(1);
    expect(system.sandbox.messages().filter((m) => m.to === to)).toHaveLength(2);
  });
});
