import { type ApiEvent, eventually } from '@sendcode/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSystem, type TestSystem } from '../helpers/system.ts';

/** Distinct purposes made of letters only, so starts do not resume one another. */
const purpose = (i: number) => `q_${String.fromCharCode(97 + i)}`;

/**
 * Starts that try to get more than one code, or more sends than a destination's limits (5 per
 * 10 min by default), out of the gateway: racing, changing the case of an address, resending, and
 * failing over to a destination that has had its share.
 */
describe('starts that cannot be raced or side-stepped', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem({ RESEND_COOLDOWN_SECONDS: '0' });
  });
  afterAll(() => system.close());

  const settle = () => new Promise((resolve) => setTimeout(resolve, 500));

  it('20 parallel starts for one destination and purpose make one verification and send one code', async () => {
    const to = '+819012390001';
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => system.api('POST', '/v1/verifications', { to })),
    );
    const ok = answers.filter((a) => a.status === 200 || a.status === 201);
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    // The others resumed it (200, a resend of the same code, until its sends or the destination's
    // window are used up: 429), or were told to retry while it was being created (409).
    const refusals = answers
      .filter((a) => a.status !== 200 && a.status !== 201)
      .map((a) => a.body.error.code);
    for (const code of refusals) {
      expect(['verification_being_created', 'max_sends_reached', 'rate_limited']).toContain(code);
    }
    expect(new Set(ok.map((a) => a.body.id)).size).toBe(1);
    await system.messagesFor(to, 1);
    await settle();
    const codes = new Set(
      system.sandbox
        .messages()
        .filter((m) => m.to === to)
        .map((m) => m.code),
    );
    expect(codes.size).toBe(1);
  });

  it('an email address is one destination whatever its case: one pending verification, one limit', async () => {
    const first = await system.api('POST', '/v1/verifications', { to: 'Victim@Example.com' });
    expect(first.status).toBe(201);
    const again = await system.api('POST', '/v1/verifications', { to: 'victim@example.com' });
    expect(again).toMatchObject({ status: 200, body: { id: first.body.id } });
    expect(await system.messagesFor('victim@example.com', 2)).toHaveLength(2);

    // Two sends so far; three more starts of other purposes fill the window, in any case.
    for (const [i, to] of ['VICTIM@example.com', 'victim@EXAMPLE.com', 'vIcTiM@example.com'].entries()) {
      expect((await system.api('POST', '/v1/verifications', { to, purpose: purpose(i) })).status).toBe(201);
    }
    const over = await system.api('POST', '/v1/verifications', { to: 'victim@example.com', purpose: 'q_z' });
    expect(over).toMatchObject({
      status: 429,
      body: { error: { code: 'rate_limited', details: { scope: 'destination' } } },
    });
  });

  it('resends count against the destination like starts: the fifth send fills it, the next start is refused', async () => {
    const to = '+819012390002';
    const first = await system.api('POST', '/v1/verifications', { to });
    expect(first.status).toBe(201);
    for (let send = 2; send <= 5; send += 1) {
      expect((await system.api('POST', `/v1/verifications/${first.body.id}/resend`)).status).toBe(202);
    }
    await system.messagesFor(to, 5);
    const other = await system.api('POST', '/v1/verifications', { to, purpose: 'password_reset' });
    expect(other).toMatchObject({
      status: 429,
      body: { error: { code: 'rate_limited', details: { scope: 'destination' } } },
    });
  });

  it('a resend past the window is refused with 429 and sends nothing', async () => {
    const to = '+819012390003';
    for (let i = 0; i < 4; i += 1) {
      expect((await system.api('POST', '/v1/verifications', { to, purpose: purpose(i) })).status).toBe(201);
    }
    const last = await system.api('POST', '/v1/verifications', { to });
    expect(last.status).toBe(201);
    await system.messagesFor(to, 5);
    const resent = await system.api('POST', `/v1/verifications/${last.body.id}/resend`);
    expect(resent).toMatchObject({
      status: 429,
      body: { error: { code: 'rate_limited', details: { scope: 'destination' } } },
    });
    await settle();
    expect(system.sandbox.messages().filter((m) => m.to === to)).toHaveLength(5);
    const view = await system.api('GET', `/v1/verifications/${last.body.id}`);
    const refused = (view.body.timeline as ApiEvent[]).find(
      (event) => event.type === 'send_failed' && event.detail?.error === 'rate_limited',
    );
    expect(refused?.detail).toMatchObject({ scope: 'destination' });
  });

  it('a failover to a destination that has had its share is refused: the plan moves on, nothing is sent there', async () => {
    const phone = '+819012390004';
    for (let i = 0; i < 5; i += 1) {
      expect((await system.api('POST', '/v1/verifications', { to: phone, purpose: purpose(i) })).status).toBe(
        201,
      );
    }
    await system.messagesFor(phone, 5);
    // Carrier mail is refused by the sandbox's SMTP sink (550), so the plan fails over to the phone.
    const created = await system.api('POST', '/v1/verifications', {
      to: 'hanako@docomo.ne.jp',
      fallbacks: [{ to: phone, channel: 'sms' }],
    });
    expect(created.status).toBe(201);
    const view = await eventually(
      () => system.api('GET', `/v1/verifications/${created.body.id}`),
      (v) => v.body.status === 'failed',
    );
    expect(view.body.status).toBe('failed');
    const timeline = view.body.timeline as ApiEvent[];
    expect(
      timeline.find((e) => e.type === 'send_failed' && e.detail?.error === 'rate_limited'),
    ).toBeDefined();
    await settle();
    expect(system.sandbox.messages().filter((m) => m.to === phone)).toHaveLength(5);
  });
});
