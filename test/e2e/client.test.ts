import { createSendcodeClient, isSendcodeError, type SendcodeError } from '@sendcode/client';
import { eventually } from '@sendcode/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSystem, type TestSystem } from '../helpers/system.ts';

/** What a call threw, asserted to be a SendcodeError. */
async function failure(promise: Promise<unknown>): Promise<SendcodeError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isSendcodeError(error)) throw new Error(`expected a SendcodeError, got ${String(error)}`);
  return error;
}

describe('@sendcode/client against the live gateway', () => {
  let system: TestSystem;
  let sendcode: ReturnType<typeof createSendcodeClient>;
  beforeAll(async () => {
    system = await startTestSystem({ RESEND_COOLDOWN_SECONDS: '2' });
    await eventually(
      () => fetch(`${system.gateway.url}/readyz`),
      (r) => r.ok,
    );
    sendcode = createSendcodeClient({ baseUrl: `${system.gateway.url}/`, apiKey: system.verifyKey });
  });
  afterAll(() => system.close());

  it('creates, gets, resends, and checks by id and by destination', async () => {
    const to = '+819012347001';
    const created = await sendcode.verifications.create({ to, brand: 'Contoso', locale: 'ja' });
    expect(created).toMatchObject({ status: 'pending', channel: 'sms', sends: 1, remainingAttempts: 5 });
    expect(created.id).toMatch(/^ver_[0-9a-f]{32}$/);
    expect(created.warnings).toEqual([]);

    const [sms] = await system.messagesFor(to);
    const code = sms?.code ?? '';
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    const resent = await sendcode.verifications.resend(created.id);
    expect(resent).toMatchObject({ id: created.id, sends: 2 });
    const both = await system.messagesFor(to, 2);
    expect(both[1]?.code).toBe(code);

    const wrong = await sendcode.verifications.check(created.id, code === '000000' ? '111111' : '000000');
    expect(wrong).toEqual({ id: created.id, valid: false, status: 'pending', remainingAttempts: 4 });
    const right = await sendcode.verifications.checkByDestination({ to, code });
    expect(right).toMatchObject({ id: created.id, valid: true, status: 'approved' });
    // Idempotent: approved stays approved, by id and by destination.
    expect(await sendcode.verifications.check(created.id, code)).toMatchObject({ valid: true });
    // A wrong code after approval is an error, never an answer with status 'approved'.
    const over = await failure(
      sendcode.verifications.check(created.id, code === '000000' ? '111111' : '000000'),
    );
    expect(over).toMatchObject({
      status: 409,
      code: 'verification_not_pending',
      details: { remainingAttempts: 3 },
    });
    expect(await sendcode.verifications.checkByDestination({ to: '+81 90-1234-7001', code })).toMatchObject({
      id: created.id,
      valid: true,
    });

    const view = await sendcode.verifications.get(created.id);
    expect(view).toMatchObject({ id: created.id, status: 'approved', purpose: 'sign_in' });
    expect(view.timeline?.map((event) => event.type)).toEqual(
      expect.arrayContaining(['created', 'approved']),
    );
  });

  it('cancels, and replays a create with the same idempotency key', async () => {
    const request = { to: 'jiro@example.com', purpose: 'password_reset' } as const;
    const first = await sendcode.verifications.create(request, { idempotencyKey: 'client-test-1' });
    const replay = await sendcode.verifications.create(request, { idempotencyKey: 'client-test-1' });
    expect(replay.id).toBe(first.id);
    expect(await sendcode.verifications.cancel(first.id)).toEqual({ id: first.id, status: 'canceled' });
    const [mail] = await system.messagesFor('jiro@example.com');
    // By destination only a pending or an approved verification is found; by id it answers canceled.
    const byDestination = await failure(
      sendcode.verifications.checkByDestination({
        to: 'jiro@example.com',
        code: mail?.code ?? '',
        purpose: 'password_reset',
      }),
    );
    expect(byDestination).toMatchObject({ status: 404, code: 'not_found' });
    const check = await sendcode.verifications.check(first.id, mail?.code ?? '');
    expect(check).toMatchObject({ valid: false, status: 'canceled' });
  });

  it('throws typed errors: validation, not found, 429 with retryAfter, unauthorized, network', async () => {
    const invalid = await failure(sendcode.verifications.create({ to: 'nope' }));
    expect(invalid).toMatchObject({ status: 400, code: 'invalid_destination' });
    expect(invalid.details).toMatchObject({ field: 'to' });

    const bad = await failure(sendcode.verifications.create({ to: '+819012347002', codeLength: 3 }));
    expect(bad).toMatchObject({ status: 400, code: 'validation_failed' });

    const missing = await failure(sendcode.verifications.get(`ver_${'0'.repeat(32)}`));
    expect(missing).toMatchObject({ status: 404, code: 'not_found' });
    const nothing = await failure(
      sendcode.verifications.checkByDestination({ to: '+819012347999', code: '123456' }),
    );
    expect(nothing).toMatchObject({ status: 404, code: 'not_found' });

    const slow = createSendcodeClient({ baseUrl: system.gateway.url, apiKey: system.otherClientKey });
    const started = await slow.verifications.create({ to: '+819012347003' });
    const tooSoon = await failure(slow.verifications.resend(started.id));
    expect(tooSoon).toMatchObject({ status: 429, code: 'resend_too_soon' });
    expect(tooSoon.retryAfter).toBeGreaterThanOrEqual(1);

    const stranger = createSendcodeClient({
      baseUrl: system.gateway.url,
      apiKey: 'sk_not_a_key_000000000000',
    });
    expect(await failure(stranger.verifications.get(started.id))).toMatchObject({
      status: 401,
      code: 'unauthorized',
    });
    const offline = createSendcodeClient({ baseUrl: 'http://127.0.0.1:1', apiKey: system.verifyKey });
    expect(await failure(offline.verifications.get(started.id))).toMatchObject({
      status: 0,
      code: 'network_error',
    });
  });
});
