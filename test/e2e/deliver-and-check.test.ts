import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSystem, type TestSystem } from '../helpers/system.ts';

/** What a client sees after the worker ran: poll GET until the timeline has `type`. */
async function waitForEvent(system: TestSystem, id: string, type: string) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const { body } = await system.api('GET', `/v1/verifications/${id}`);
    if (body.timeline.some((event: { type: string }) => event.type === type) || Date.now() > deadline)
      return body;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('send, deliver and check through real Redis, BullMQ, SDKs and the sandbox', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem();
  });
  afterAll(() => system.close());

  it('emails a code over SMTP, and the right code approves it, twice', async () => {
    const created = await system.api('POST', '/v1/verifications', {
      to: 'Taro@Example.COM',
      brand: 'Contoso',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      status: 'pending',
      channel: 'email',
      to: 'Ta***@example.com',
      sends: 1,
    });
    expect(created.body.id).toMatch(/^ver_[0-9a-f]{32}$/);
    expect(created.body.remainingAttempts).toBe(5);
    expect(JSON.stringify(created.body)).not.toContain('Taro@');

    const [mail] = await system.messagesFor('taro@example.com');
    expect(mail).toMatchObject({ channel: 'email', provider: 'smtp' });
    expect(mail?.code).toMatch(/^\d{6}$/);
    expect(mail?.subject?.startsWith(mail.code ?? 'x')).toBe(true);
    expect(mail?.body).toContain('Contoso');

    const check = await system.api('POST', `/v1/verifications/${created.body.id}/checks`, {
      code: mail?.code,
    });
    expect(check).toMatchObject({ status: 200, body: { valid: true, status: 'approved' } });
    const again = await system.api('POST', `/v1/verifications/${created.body.id}/checks`, {
      code: mail?.code,
    });
    expect(again.body).toMatchObject({ valid: true, status: 'approved' });

    const view = await system.api('GET', `/v1/verifications/${created.body.id}`);
    const types = view.body.timeline.map((event: { type: string }) => event.type);
    expect(types).toEqual(expect.arrayContaining(['created', 'sent', 'check_valid', 'approved']));
    const sent = view.body.timeline.find((event: { type: string }) => event.type === 'sent');
    expect(sent).toMatchObject({ channel: 'email', provider: 'smtp', to: 'Ta***@example.com' });
  });

  it('texts a code through the real twilio client, and full-width digits typed with an IME check it', async () => {
    const created = await system.api('POST', '/v1/verifications', { to: '+81 90-1234-5678', locale: 'ja' });
    expect(created.body).toMatchObject({ status: 'pending', channel: 'sms', to: '+81 90-****-5678' });

    const [sms] = await system.messagesFor('+819012345678');
    expect(sms).toMatchObject({ channel: 'sms', provider: 'twilio' });
    const code = sms?.code ?? '';
    expect(code).toMatch(/^\d{6}$/);
    expect(sms?.body.startsWith(code)).toBe(true);

    const fullWidth = `${String.fromCharCode(...[...code.slice(0, 3)].map((d) => 0xff10 + Number(d)))}\u3000${code.slice(3)}`;
    const check = await system.api('POST', `/v1/verifications/${created.body.id}/checks`, {
      code: fullWidth,
    });
    expect(check.body).toMatchObject({ valid: true, status: 'approved' });
  });

  it('calls a number and reads the digits twice through the real twilio client', async () => {
    const created = await system.api('POST', '/v1/verifications', {
      to: '+81312345678',
      channel: 'voice',
      codeLength: 4,
    });
    expect(created.body).toMatchObject({ status: 'pending', channel: 'voice' });

    const [call] = await system.messagesFor('+81312345678');
    expect(call).toMatchObject({ channel: 'voice', provider: 'twilio' });
    expect(call?.code).toMatch(/^\d{4}$/);
    const digits = (call?.code ?? '').split('').join('.*');
    expect(call?.body).toMatch(new RegExp(`${digits}.*${digits}`, 's'));

    const check = await system.api('POST', `/v1/verifications/${created.body.id}/checks`, {
      code: call?.code,
    });
    expect(check.body).toMatchObject({ valid: true, status: 'approved' });
  });

  it('locks after five wrong codes; the right code afterwards answers locked', async () => {
    const created = await system.api('POST', '/v1/verifications', { to: '+819011112222' });
    const [sms] = await system.messagesFor('+819011112222');
    const wrong = sms?.code === '000000' ? '111111' : '000000';
    const path = `/v1/verifications/${created.body.id}/checks`;
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push((await system.api('POST', path, { code: wrong })).body);
    expect(answers.map((a) => a.remainingAttempts)).toEqual([4, 3, 2, 1, 0]);
    expect(answers.map((a) => a.status)).toEqual(['pending', 'pending', 'pending', 'pending', 'locked']);

    const right = await system.api('POST', path, { code: sms?.code });
    expect(right.body).toMatchObject({ valid: false, status: 'locked', remainingAttempts: 0 });
  });

  it('cancels a pending verification; its code no longer works', async () => {
    const created = await system.api('POST', '/v1/verifications', { to: 'cancel-me@example.com' });
    const [mail] = await system.messagesFor('cancel-me@example.com');
    const cancel = await system.api('POST', `/v1/verifications/${created.body.id}/cancel`);
    expect(cancel.body).toEqual({ id: created.body.id, status: 'canceled' });
    const check = await system.api('POST', `/v1/verifications/${created.body.id}/checks`, {
      code: mail?.code,
    });
    expect(check.body).toMatchObject({ valid: false, status: 'canceled' });
  });

  it('fails with the reason when a carrier refuses the mail (550) and there is no other step', async () => {
    const created = await system.api('POST', '/v1/verifications', { to: 'hanako@docomo.ne.jp' });
    const view = await waitForEvent(system, created.body.id, 'delivery_failed');
    expect(view.status).toBe('failed');
    const failed = view.timeline.find((event: { type: string }) => event.type === 'send_failed');
    expect(failed).toMatchObject({
      channel: 'email',
      provider: 'smtp',
      detail: { kind: 'permanent', providerCode: '550' },
    });
    expect(system.sandbox.messages().filter((m) => m.to === 'hanako@docomo.ne.jp')).toHaveLength(0);
  });

  it('counts starts, checks and outcomes in /metrics, and workers count deliveries', async () => {
    const gateway = await (await fetch(`${system.gateway.url}/metrics`)).text();
    expect(gateway).toMatch(
      /sendcode_verifications_started_total\{channel="email",purpose="sign_in"\} [1-9]/,
    );
    expect(gateway).toMatch(/sendcode_verification_checks_total\{result="valid"\} [1-9]/);
    expect(gateway).toMatch(/sendcode_verification_checks_total\{result="invalid"\} [1-9]/);
    expect(gateway).toMatch(/sendcode_verifications_completed_total\{outcome="locked"\} 1\b/);
    expect(gateway).toMatch(/sendcode_verification_checks_total\{result="locked"\} 1\b/);
    expect(gateway).toMatch(/sendcode_verifications_completed_total\{outcome="canceled"\} 1\b/);
    const workers = await (await fetch(`${system.workers.url}/metrics`)).text();
    expect(workers).toMatch(
      /sendcode_deliveries_total\{channel="sms",provider="twilio",status="sent"\} [1-9]/,
    );
    expect(workers).toMatch(
      /sendcode_send_attempts_total\{channel="email",provider="smtp",result="permanent_error"\} 1\b/,
    );
    // Whole destinations, not a fragment: a byte count such as 81907712 may hold any four digits.
    expect(`${gateway}${workers}`).not.toMatch(
      /ver_|@example|819012345678|81312345678|819011112222|1234-5678/,
    );
  });
});

describe('Vonage as the first provider, through the real @vonage/server-sdk', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem({ SMS_PROVIDERS: 'vonage,twilio', VOICE_PROVIDERS: 'vonage' });
  });
  afterAll(() => system.close());

  it.each([
    ['sms', '+447400123456'],
    ['voice', '+442071838750'],
  ])('delivers a %s code that checks', async (channel, to) => {
    const created = await system.api('POST', '/v1/verifications', { to, channel });
    expect(created.status).toBe(201);
    const [message] = await system.messagesFor(to);
    expect(message).toMatchObject({ channel, provider: 'vonage' });
    const check = await system.api('POST', `/v1/verifications/${created.body.id}/checks`, {
      code: message?.code,
    });
    expect(check.body).toMatchObject({ valid: true, status: 'approved' });
  });
});
