import { randomBytes } from 'node:crypto';
import { eventually } from '@sendcode/testing';
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSystem, type TestSystem } from '../helpers/system.ts';

/** The real `twilio` client, its Verify domain re-rooted at the gateway, our API key as auth token. */
function verifyClient(system: TestSystem, key: string) {
  const client = twilio(`AC${randomBytes(16).toString('hex')}`, key, { autoRetry: false });
  client.verify.baseUrl = system.gateway.url;
  return client;
}

/** What the client throws: a RestException, with Twilio's code and HTTP status. */
async function restError(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(twilio.RestException);
  return error as InstanceType<typeof twilio.RestException>;
}

const SERVICE = `VA${'0123456789abcdef'.repeat(2)}`;

describe('Twilio Verify v2 compatibility, with the real twilio client', () => {
  let system: TestSystem;
  let service: ReturnType<ReturnType<typeof verifyClient>['verify']['v2']['services']>;
  beforeAll(async () => {
    system = await startTestSystem();
    // The gateway answers before its Redis connection is up; wait until it is ready.
    await eventually(
      () => fetch(`${system.gateway.url}/readyz`),
      (r) => r.ok,
    );
    service = verifyClient(system, system.verifyKey).verify.v2.services(SERVICE);
  });
  afterAll(() => system.close());

  it('sends an SMS, checks it by To, and the approved verification stays fetchable and re-checkable', async () => {
    const to = '+819012349001';
    const created = await service.verifications.create({ to, channel: 'sms', customFriendlyName: 'Contoso' });
    expect(created.sid).toMatch(/^VE[0-9a-f]{32}$/);
    expect(created).toMatchObject({
      serviceSid: SERVICE,
      to,
      channel: 'sms',
      status: 'pending',
      valid: false,
    });
    expect(created.accountSid).toMatch(/^AC/);
    expect(created.sendCodeAttempts).toHaveLength(1);
    expect(created.url).toBe(`${system.gateway.url}/v2/Services/${SERVICE}/Verifications/${created.sid}`);
    expect(created.dateCreated).toBeInstanceOf(Date);

    const [sms] = await system.messagesFor(to);
    expect(sms?.body).toContain('Contoso');
    const code = sms?.code ?? '';
    const wrong = await service.verificationChecks.create({
      to,
      code: code === '000000' ? '111111' : '000000',
    });
    expect(wrong).toMatchObject({ sid: created.sid, status: 'pending', valid: false });
    const check = await service.verificationChecks.create({ to, code });
    expect(check).toMatchObject({ sid: created.sid, to, status: 'approved', valid: true });

    // Unlike Twilio (twilio-node #743): still there, and the right code still answers approved.
    const again = await service.verificationChecks.create({ to, code });
    expect(again).toMatchObject({ status: 'approved', valid: true });
    // A wrong code after approval is what Twilio answers then, 20404: never status 'approved'.
    const nothing = await restError(service.verificationChecks.create({ to: '+819012349098', code }));
    const guess = await restError(
      service.verificationChecks.create({ to, code: code === '000000' ? '111111' : '000000' }),
    );
    expect(guess).toMatchObject({ code: 20404, status: 404, message: nothing.message });
    const bySid = await restError(
      service.verificationChecks.create({
        verificationSid: created.sid,
        code: code === '000000' ? '111111' : '000000',
      }),
    );
    expect(bySid).toMatchObject({ code: 20404, status: 404 });
    const fetched = await service.verifications(created.sid).fetch();
    expect(fetched).toMatchObject({ sid: created.sid, status: 'approved', valid: true, channel: 'sms' });
    expect(fetched.to).not.toBe(to); // masked: the store keeps no clear destination
    expect(fetched.to).toContain('****');

    // The native API sees the same verification under its own id.
    const native = await system.api('GET', `/v1/verifications/ver_${created.sid.slice(2)}`);
    expect(native.body).toMatchObject({ status: 'approved' });
  });

  it('calls (channel "call" is our voice) and checks by VerificationSid', async () => {
    const to = '+81312349002';
    const created = await service.verifications.create({ to, channel: 'call', locale: 'ja' });
    expect(created).toMatchObject({ channel: 'call', status: 'pending' });
    const [call] = await system.messagesFor(to);
    expect(call?.channel).toBe('voice');
    const check = await service.verificationChecks.create({
      verificationSid: created.sid,
      code: call?.code ?? '',
    });
    expect(check).toMatchObject({ sid: created.sid, status: 'approved', valid: true, channel: 'call' });
  });

  it('emails a code of CodeLength digits, and cancels it with Status=canceled', async () => {
    const to = 'hanako@example.com';
    // The twilio client has no CodeLength on create (it is a Service setting there): send the form.
    const response = await fetch(`${system.gateway.url}/v2/Services/${SERVICE}/Verifications`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`ACany:${system.verifyKey}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ To: to, Channel: 'email', CodeLength: '8' }).toString(),
    });
    expect(response.status).toBe(201);
    const created = (await response.json()) as { sid: string; channel: string; account_sid: string };
    expect(created).toMatchObject({ channel: 'email', account_sid: 'ACany' });
    const [mail] = await system.messagesFor(to);
    expect(mail?.code).toMatch(/^\d{8}$/);

    const canceled = await service.verifications(created.sid).update({ status: 'canceled' });
    expect(canceled).toMatchObject({ sid: created.sid, status: 'canceled' });
    const error = await restError(service.verificationChecks.create({ to, code: mail?.code ?? '' }));
    expect(error).toMatchObject({ code: 20404, status: 404 });
  });

  it('refuses Status=approved (no approval without a code) with 60200', async () => {
    const created = await service.verifications.create({ to: '+819012349003', channel: 'sms' });
    const error = await restError(service.verifications(created.sid).update({ status: 'approved' }));
    expect(error).toMatchObject({ code: 60200, status: 400 });
    expect(error.moreInfo).toBe('https://www.twilio.com/docs/errors/60200');
  });

  it('answers 60200 for an invalid To or an unsupported channel', async () => {
    const bad = await restError(service.verifications.create({ to: 'not-a-number', channel: 'sms' }));
    expect(bad).toMatchObject({ code: 60200, status: 400 });
    const whatsapp = await restError(
      service.verifications.create({ to: '+819012349004', channel: 'whatsapp' }),
    );
    expect(whatsapp).toMatchObject({ code: 60200, status: 400 });
    expect(whatsapp.message).toContain('Channel');
  });

  it('answers 60202 once the attempts are used up, with max_attempts_reached on the last wrong code', async () => {
    const to = '+819012349005';
    const created = await service.verifications.create({ to, channel: 'sms' });
    const [sms] = await system.messagesFor(to);
    const wrong = sms?.code === '000000' ? '111111' : '000000';
    const answers = [];
    for (let i = 0; i < 5; i += 1) answers.push(await service.verificationChecks.create({ to, code: wrong }));
    expect(answers.map((a) => a.status)).toEqual([...Array(4).fill('pending'), 'max_attempts_reached']);
    const error = await restError(
      service.verificationChecks.create({ verificationSid: created.sid, code: wrong }),
    );
    expect(error).toMatchObject({ code: 60202, status: 429 });
    expect((await service.verifications(created.sid).fetch()).status).toBe('max_attempts_reached');
  });

  it('counts wrong codes after approval: 100 in parallel use up exactly the attempts, then the right code is 20404', async () => {
    const to = '+819012349011';
    const created = await service.verifications.create({ to, channel: 'sms' });
    const [sms] = await system.messagesFor(to);
    const code = sms?.code ?? '';
    const wrong = code === '000000' ? '111111' : '000000';
    expect(await service.verificationChecks.create({ to, code })).toMatchObject({ status: 'approved' });

    const guesses = await Promise.all(
      Array.from({ length: 100 }, () =>
        restError(service.verificationChecks.create({ verificationSid: created.sid, code: wrong })),
      ),
    );
    expect(guesses.every((e) => e.code === 20404 && e.status === 404)).toBe(true);
    const native = await system.api('GET', `/v1/verifications/ver_${created.sid.slice(2)}`);
    expect(native.body).toMatchObject({ status: 'approved', remainingAttempts: 0 });
    expect(native.body.timeline.filter((e: { type: string }) => e.type === 'check_invalid')).toHaveLength(5);

    const right = await restError(service.verificationChecks.create({ verificationSid: created.sid, code }));
    expect(right).toMatchObject({ code: 20404, status: 404 });
    expect(await restError(service.verificationChecks.create({ to, code }))).toMatchObject({ code: 20404 });
  });

  it('counts a wrong code against a canceled verification (20404), and never finds it by To', async () => {
    const to = '+819012349012';
    const created = await service.verifications.create({ to, channel: 'sms' });
    const [sms] = await system.messagesFor(to);
    const wrong = sms?.code === '000000' ? '111111' : '000000';
    await service.verifications(created.sid).update({ status: 'canceled' });
    const bySid = await restError(
      service.verificationChecks.create({ verificationSid: created.sid, code: wrong }),
    );
    expect(bySid).toMatchObject({ code: 20404, status: 404 });
    const byTo = await restError(service.verificationChecks.create({ to, code: wrong }));
    expect(byTo).toMatchObject({ code: 20404, status: 404 });
    const native = await system.api('GET', `/v1/verifications/ver_${created.sid.slice(2)}`);
    expect(native.body).toMatchObject({ status: 'canceled', remainingAttempts: 4 });
  });

  it('answers 60203 when a new send comes too soon (resend cooldown)', async () => {
    const to = '+819012349006';
    const first = await service.verifications.create({ to, channel: 'sms' });
    const error = await restError(service.verifications.create({ to, channel: 'sms' }));
    expect(error).toMatchObject({ code: 60203, status: 429 });
    expect((await service.verifications(first.sid).fetch()).status).toBe('pending');
  });

  it('answers 20404 for unknown verifications, destinations and service SIDs', async () => {
    const missing = await restError(service.verifications(`VE${'f'.repeat(32)}`).fetch());
    expect(missing).toMatchObject({ code: 20404, status: 404 });
    const noPending = await restError(
      service.verificationChecks.create({ to: '+819012349099', code: '123456' }),
    );
    expect(noPending).toMatchObject({ code: 20404, status: 404 });
    const client = verifyClient(system, system.verifyKey);
    const badService = await restError(
      client.verify.v2.services('VA123').verifications.create({ to: '+819012349007', channel: 'sms' }),
    );
    expect(badService).toMatchObject({ code: 20404, status: 404 });
  });

  it("keeps one client's verifications from another", async () => {
    const created = await service.verifications.create({ to: '+819012349008', channel: 'sms' });
    const other = verifyClient(system, system.otherClientKey).verify.v2.services(SERVICE);
    const error = await restError(other.verifications(created.sid).fetch());
    expect(error).toMatchObject({ code: 20404, status: 404 });
  });

  it('answers 20003 / 401 for a wrong key, and 20003 / 403 for a key without the verify scope', async () => {
    const wrong = verifyClient(system, 'sk_wrong_key_0123456789abcdef').verify.v2.services(SERVICE);
    const error = await restError(wrong.verifications.create({ to: '+819012349010', channel: 'sms' }));
    expect(error).toMatchObject({ code: 20003, status: 401 });
    const support = verifyClient(system, system.supportKey).verify.v2.services(SERVICE);
    const denied = await restError(support.verifications.create({ to: '+819012349010', channel: 'sms' }));
    expect(denied).toMatchObject({ code: 20003, status: 403 });
  });
});
