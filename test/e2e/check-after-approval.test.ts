import { type ApiEvent, eventually, types } from '@sendcode/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSystem, type TestSystem } from '../helpers/system.ts';

/**
 * The attack: once a user has signed in, keep guessing. An approved verification is retained (and
 * re-checkable) for 24 h, so every answer after approval must count the guess and must not say
 * `approved` to a wrong code.
 */
describe('checks of a verification that is over, native API', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem();
    await eventually(
      () => fetch(`${system.gateway.url}/readyz`),
      (r) => r.ok,
    );
  });
  afterAll(() => system.close());

  /** Starts a verification to `to` and signs in with its code. */
  async function approved(to: string) {
    const created = await system.api('POST', '/v1/verifications', { to });
    const [sms] = await system.messagesFor(to);
    const code = sms?.code ?? '';
    const path = `/v1/verifications/${created.body.id}/checks`;
    const check = await system.api('POST', path, { code });
    expect(check.body).toMatchObject({ valid: true, status: 'approved', remainingAttempts: 5 });
    return { id: created.body.id as string, path, code, wrong: code === '000000' ? '111111' : '000000' };
  }

  const view = async (id: string) => (await system.api('GET', `/v1/verifications/${id}`)).body;
  const metric = async (series: string) => {
    const text = await (await fetch(`${system.gateway.url}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith(`${series} `));
    return Number(line?.split(' ')[1] ?? 0);
  };

  it('by id: a wrong code after approval is a 409 that never says approved, and it counts', async () => {
    const invalidBefore = await metric('sendcode_verification_checks_total{result="invalid"}');
    const approvedBefore = await metric('sendcode_verifications_completed_total{outcome="approved"}');
    const { id, path, code, wrong } = await approved('+819012391001');

    const guess = await system.api('POST', path, { code: wrong });
    expect(guess).toEqual({
      status: 409,
      body: {
        error: {
          code: 'verification_not_pending',
          message: expect.any(String),
          details: { remainingAttempts: 4 },
        },
      },
    });
    expect(JSON.stringify(guess.body)).not.toContain('approved');
    // The right code still re-checks (idempotent), with the attempts that are left.
    const again = await system.api('POST', path, { code });
    expect(again).toMatchObject({
      status: 200,
      body: { valid: true, status: 'approved', remainingAttempts: 4 },
    });

    const rest = [];
    for (let i = 0; i < 4; i += 1) rest.push(await system.api('POST', path, { code: wrong }));
    expect(rest.map((a) => [a.status, a.body.error?.details?.remainingAttempts])).toEqual([
      [409, 3],
      [409, 2],
      [409, 1],
      [409, 0],
    ]);
    const right = await system.api('POST', path, { code });
    expect(right).toMatchObject({
      status: 409,
      body: { error: { code: 'verification_not_pending', details: { remainingAttempts: 0 } } },
    });
    expect(JSON.stringify(right.body)).not.toContain('approved');

    const after = await view(id);
    expect(after).toMatchObject({ status: 'approved', remainingAttempts: 0 });
    expect(types(after.timeline).filter((t: string) => t === 'check_invalid')).toHaveLength(5);
    // Six refused checks (five wrong codes, the right one once used up); one completion, not seven.
    expect(await metric('sendcode_verification_checks_total{result="invalid"}')).toBe(invalidBefore + 6);
    expect(await metric('sendcode_verifications_completed_total{outcome="approved"}')).toBe(
      approvedBefore + 1,
    );
  });

  it('100 parallel wrong guesses after approval count exactly 5; then the right code is refused', async () => {
    const { id, path, code, wrong } = await approved('+819012391002');
    const answers = await Promise.all(
      Array.from({ length: 100 }, () => system.api('POST', path, { code: wrong })),
    );
    expect(answers.every((a) => a.status === 409)).toBe(true);
    expect(answers.some((a) => JSON.stringify(a.body).includes('approved'))).toBe(false);
    const remaining = answers.map((a) => a.body.error.details.remainingAttempts).filter((r: number) => r > 0);
    expect(remaining.sort()).toEqual([1, 2, 3, 4]);

    const after = await view(id);
    expect(after).toMatchObject({ status: 'approved', remainingAttempts: 0 });
    const invalid = after.timeline.filter((e: ApiEvent) => e.type === 'check_invalid');
    expect(invalid).toHaveLength(5);
    expect(invalid.at(-1)).toMatchObject({ detail: { attempt: 5, status: 'approved' } });
    const right = await system.api('POST', path, { code });
    expect(right).toMatchObject({ status: 409, body: { error: { code: 'verification_not_pending' } } });
  });

  it('by destination: a wrong code against the approved one answers like nothing pending, and counts', async () => {
    const to = '+819012391003';
    const { id, code, wrong } = await approved(to);
    const nothing = await system.api('POST', '/v1/verifications/check', { to: '+819012391999', code: wrong });
    expect(nothing).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });

    const guess = await system.api('POST', '/v1/verifications/check', { to, code: wrong });
    expect(guess).toEqual(nothing);
    expect(await view(id)).toMatchObject({ status: 'approved', remainingAttempts: 4 });
    const again = await system.api('POST', '/v1/verifications/check', { to, code });
    expect(again).toMatchObject({ status: 200, body: { id, valid: true, status: 'approved' } });

    for (let i = 0; i < 10; i += 1) await system.api('POST', '/v1/verifications/check', { to, code: wrong });
    expect(await view(id)).toMatchObject({ status: 'approved', remainingAttempts: 0 });
    expect(await system.api('POST', '/v1/verifications/check', { to, code })).toEqual(nothing);
  });

  it('by destination: a canceled or failed verification is not found, and not counted', async () => {
    const to = 'over-by-destination@example.com';
    const created = await system.api('POST', '/v1/verifications', { to });
    const [mail] = await system.messagesFor(to);
    await system.api('POST', `/v1/verifications/${created.body.id}/cancel`);
    const check = await system.api('POST', '/v1/verifications/check', { to, code: mail?.code });
    expect(check).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
    expect(await view(created.body.id)).toMatchObject({ status: 'canceled', remainingAttempts: 5 });

    // Carrier mail with no other step: the sandbox refuses it (550) and the verification fails.
    const carrier = 'over-by-destination@docomo.ne.jp';
    const refused = await system.api('POST', '/v1/verifications', { to: carrier });
    await eventually(
      () => view(refused.body.id),
      (v) => v.status === 'failed',
    );
    const guess = await system.api('POST', '/v1/verifications/check', { to: carrier, code: '123456' });
    expect(guess).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
    expect(await view(refused.body.id)).toMatchObject({ status: 'failed', remainingAttempts: 5 });
  });

  it('by id: any code against a canceled verification answers 200 canceled, and counts', async () => {
    const to = 'canceled-by-id@example.com';
    const created = await system.api('POST', '/v1/verifications', { to });
    const [mail] = await system.messagesFor(to);
    const wrong = mail?.code === '000000' ? '111111' : '000000';
    const path = `/v1/verifications/${created.body.id}/checks`;
    await system.api('POST', `/v1/verifications/${created.body.id}/cancel`);
    const guess = await system.api('POST', path, { code: wrong });
    expect(guess).toEqual({
      status: 200,
      body: { id: created.body.id, valid: false, status: 'canceled', remainingAttempts: 4 },
    });
    const right = await system.api('POST', path, { code: mail?.code });
    expect(right.body).toMatchObject({ valid: false, status: 'canceled', remainingAttempts: 3 });
  });
});
