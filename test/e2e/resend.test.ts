import { type ApiEvent, types } from '@sendcode/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSystem, type TestSystem } from '../helpers/system.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('resend: "use another option"', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem({ RESEND_COOLDOWN_SECONDS: '2', MAX_SENDS: '3' });
  });
  afterAll(() => system.close());
  const resend = (id: string, body?: unknown) => system.api('POST', `/v1/verifications/${id}/resend`, body);

  it('calls with the same code, enforces the cooldown with Retry-After, then the send cap', async () => {
    const to = '+819012360001';
    const created = await system.api('POST', '/v1/verifications', {
      to,
      fallbacks: [{ to, channel: 'voice' }],
    });
    const id = created.body.id;
    // Straight after the start, before waiting for the SMS: a loaded machine can take longer than a
    // short cooldown to deliver it.
    const tooSoon = await fetch(`${system.gateway.url}/v1/verifications/${id}/resend`, {
      method: 'POST',
      headers: { authorization: `Bearer ${system.verifyKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ channel: 'voice' }),
    });
    expect(tooSoon.status).toBe(429);
    expect(Number(tooSoon.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await tooSoon.json()).toMatchObject({ error: { code: 'resend_too_soon' } });
    const [sms] = await system.messagesFor(to);

    await sleep(2_100);
    const voice = await resend(id, { channel: 'voice' });
    expect(voice).toMatchObject({ status: 202, body: { status: 'pending', channel: 'voice', sends: 2 } });
    const [, call] = await system.messagesFor(to, 2);
    expect(call).toMatchObject({ channel: 'voice', code: sms?.code });

    await sleep(2_100);
    expect((await resend(id)).body).toMatchObject({ channel: 'voice', sends: 3 });
    await sleep(2_100);
    const capped = await resend(id);
    expect(capped).toMatchObject({ status: 429, body: { error: { code: 'max_sends_reached' } } });

    const view = (await system.api('GET', `/v1/verifications/${id}`)).body;
    expect(types(view.timeline).filter((type: string) => type === 'resend')).toHaveLength(2);
    expect(view.timeline.find((e: ApiEvent) => e.type === 'resend')).toMatchObject({ channel: 'voice' });
    const check = await system.api('POST', `/v1/verifications/${id}/checks`, { code: sms?.code });
    expect(check.body).toMatchObject({ valid: true, status: 'approved' });
  });

  it('refuses a channel the plan does not have, and a verification that is no longer pending', async () => {
    const created = await system.api('POST', '/v1/verifications', { to: '+819012360002' });
    const [sms] = await system.messagesFor('+819012360002');
    expect((await resend(created.body.id, { channel: 'email' })).body).toMatchObject({
      error: { code: 'channel_not_in_plan' },
    });
    await system.api('POST', `/v1/verifications/${created.body.id}/checks`, { code: sms?.code });
    await sleep(600);
    const after = await resend(created.body.id);
    expect(after).toMatchObject({ status: 409, body: { error: { code: 'verification_not_pending' } } });
    expect((await resend(created.body.id, { channel: 'fax' })).status).toBe(400);
  });
});
