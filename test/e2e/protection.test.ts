import { REFUSAL_WINDOW_MS } from '@sendcode/store';
import { type ApiEvent, clearOfWindowEdge, eventually, types } from '@sendcode/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settingsFile } from '../helpers/settings.ts';
import { startTestSystem, type TestSystem } from '../helpers/system.ts';

// biome-ignore lint/suspicious/noExplicitAny: tests assert on response bodies field by field
type Json = any;

/** Distinct purposes made of letters only, so parallel starts do not resume one another. */
const purpose = (i: number) =>
  `p_${String.fromCharCode(97 + Math.floor(i / 26))}${String.fromCharCode(97 + (i % 26))}`;

describe('limits, resume and idempotency', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem({ RESEND_COOLDOWN_SECONDS: '0.5' });
  });
  afterAll(() => system.close());

  it('50 parallel starts to one number admit exactly the limit (5 per 10 min); the rest get 429 + Retry-After', async () => {
    const to = '+819012380001';
    await clearOfWindowEdge(REFUSAL_WINDOW_MS);
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        fetch(`${system.gateway.url}/v1/verifications`, {
          method: 'POST',
          headers: { authorization: `Bearer ${system.verifyKey}`, 'content-type': 'application/json' },
          body: JSON.stringify({ to, purpose: purpose(i) }),
        }),
      ),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(45);
    const limited = answers.find((a) => a.status === 429);
    expect(Number(limited?.headers.get('retry-after'))).toBeGreaterThan(0);
    const refusals: Json[] = await Promise.all(answers.filter((a) => a.status === 429).map((a) => a.json()));
    expect(refusals[0]).toMatchObject({ error: { code: 'rate_limited', details: { scope: 'destination' } } });
    // The 45 refusals are one stored refusal, counted 45 times (atomically, though they raced).
    const ids = new Set(refusals.map((body) => body.error.details.id));
    expect(ids.size).toBe(1);
    const found = await system.api(
      'GET',
      `/v1/support/verifications?${new URLSearchParams({ to })}`,
      undefined,
      system.supportKey,
    );
    const refused = found.body.verifications.filter((v: Json) => v.outcome.refused !== undefined);
    expect(refused).toEqual([
      expect.objectContaining({ id: [...ids][0], outcome: expect.objectContaining({ refusedCount: 45 }) }),
    ]);
    await system.messagesFor(to, 5);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(system.sandbox.messages().filter((m) => m.to === to)).toHaveLength(5);
    const metrics = await (await fetch(`${system.gateway.url}/metrics`)).text();
    expect(metrics).toMatch(/sendcode_rate_limited_total\{scope="destination"\} 45\b/);
  });

  it('a second start while one is pending resumes it: same id, same code, counted as a resend', async () => {
    const to = '+819012380002';
    const first = await system.api('POST', '/v1/verifications', { to });
    const [sms] = await system.messagesFor(to);
    const tooSoon = await system.api('POST', '/v1/verifications', { to });
    expect(tooSoon).toMatchObject({ status: 429, body: { error: { code: 'resend_too_soon' } } });
    await new Promise((resolve) => setTimeout(resolve, 600));
    const again = await system.api('POST', '/v1/verifications', { to });
    expect(again).toMatchObject({ status: 200, body: { id: first.body.id, sends: 2, status: 'pending' } });
    const [, resent] = await system.messagesFor(to, 2);
    expect(resent?.code).toBe(sms?.code);
    const other = await system.api('POST', '/v1/verifications', { to, purpose: 'password_reset' });
    expect(other.status).toBe(201);
    expect(other.body.id).not.toBe(first.body.id);
  });

  it('Idempotency-Key: the same body replays the first answer and sends nothing twice; another body is a 422', async () => {
    const to = '+819012380003';
    const post = (body: unknown) =>
      fetch(`${system.gateway.url}/v1/verifications`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${system.verifyKey}`,
          'content-type': 'application/json',
          'idempotency-key': 'order-42-signin',
        },
        body: JSON.stringify(body),
      });
    const [a, b] = await Promise.all([post({ to }), post({ to })]);
    const first = a.status === 201 ? a : b;
    const second = first === a ? b : a;
    const body = await first.json();
    expect(first.status).toBe(201);
    expect([201, 409]).toContain(second.status);
    const replay = await post({ to });
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(await replay.json()).toEqual(body);
    const reused = await post({ to, channel: 'voice' });
    expect(reused.status).toBe(422);
    expect(await reused.json()).toMatchObject({ error: { code: 'idempotency_key_reused' } });
    await system.messagesFor(to);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(system.sandbox.messages().filter((m) => m.to === to)).toHaveLength(1);
  });

  it('100 parallel wrong guesses count exactly 5, then lock; letters cost nothing', async () => {
    const to = '+819012380004';
    const created = await system.api('POST', '/v1/verifications', { to });
    const [sms] = await system.messagesFor(to);
    const path = `/v1/verifications/${created.body.id}/checks`;
    const letters = await system.api('POST', path, { code: 'abcdef' });
    expect(letters).toMatchObject({ status: 400, body: { error: { code: 'invalid_code_format' } } });
    const wrong = sms?.code === '000000' ? '111111' : '000000';
    const answers = await Promise.all(
      Array.from({ length: 100 }, () => system.api('POST', path, { code: wrong })),
    );
    expect(answers.every((a) => a.status === 200 && a.body.valid === false)).toBe(true);
    const remaining = answers.map((a) => a.body.remainingAttempts).filter((r: number) => r > 0);
    expect(remaining.sort()).toEqual([1, 2, 3, 4]);
    const view = (await system.api('GET', `/v1/verifications/${created.body.id}`)).body;
    expect(view).toMatchObject({ status: 'locked', remainingAttempts: 0 });
    expect(types(view.timeline).filter((t: string) => t === 'check_invalid')).toHaveLength(5);
  });
});

describe('destination rules', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem({
      SENDCODE_SETTINGS: settingsFile({ carrierMail: { failoverSeconds: 1 } }),
    });
  });
  afterAll(() => system.close());

  it('a fixed-line number skips SMS and is called', async () => {
    const created = await system.api('POST', '/v1/verifications', { to: '+81312349999' });
    expect(created.body).toMatchObject({ channel: 'voice', plan: [{ channel: 'voice' }] });
    expect(created.body.warnings).toContain('fixed_line_voice');
    const [call] = await system.messagesFor('+81312349999');
    expect(call).toMatchObject({ channel: 'voice' });
  });

  it('carrier mail that is accepted but may be filtered: a warning, and a short wait before the SMS fallback', async () => {
    const created = await system.api('POST', '/v1/verifications', {
      to: 'taro@disney.ne.jp',
      fallbacks: [{ to: '+819012380005', channel: 'sms' }],
    });
    expect(created.body.warnings).toContain('carrier_mail_domain');
    const [mail] = await system.messagesFor('taro@disney.ne.jp');
    const [sms] = await system.messagesFor('+819012380005');
    expect(sms?.code).toBe(mail?.code);
    const view = (await system.api('GET', `/v1/verifications/${created.body.id}`)).body;
    expect(view.timeline.find((e: ApiEvent) => e.type === 'failover')).toMatchObject({
      channel: 'sms',
      detail: { reason: 'no_receipt' },
    });
  });
});

describe('fraud guard', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem({
      SENDCODE_SETTINGS: settingsFile({
        fraud: {
          conversion: {
            minSends: 5,
            threshold: 0.2,
            windowSeconds: 3600,
            blockSeconds: 3,
            clientsToSuspendAll: 2,
            digits: 9,
          },
        },
        clients: { acme: { allowedCountries: { sms: ['JP'], voice: ['JP'] } } },
      }),
    });
  });
  afterAll(() => system.close());

  it('refuses a country the client does not allow, before anything is sent, and records why', async () => {
    const refused = await system.api('POST', '/v1/verifications', { to: '+12025550143' });
    expect(refused).toMatchObject({
      status: 403,
      body: { error: { code: 'destination_blocked', details: { reason: 'country' } } },
    });
    const fallback = await system.api('POST', '/v1/verifications', {
      to: 'ok@example.com',
      fallbacks: [{ to: '+12025550143', channel: 'voice' }],
    });
    expect(fallback.status).toBe(403);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(
      system.sandbox.messages().filter((m) => m.to === '+12025550143' || m.to === 'ok@example.com'),
    ).toHaveLength(0);
    const view = (await system.api('GET', `/v1/verifications/${refused.body.error.details.id}`)).body;
    expect(view).toMatchObject({ status: 'failed' });
    expect(view.timeline[0]).toMatchObject({
      type: 'refused',
      detail: { reason: 'destination_blocked', block: 'country' },
    });
  });

  it('blocks a number prefix for the client whose conversion to it collapses, for a while, and lets it through again after', async () => {
    // Five of acme's starts to one prefix (+81 90 1239 0…), none confirmed: acme's sixth is refused.
    for (let i = 0; i < 5; i++) {
      expect((await system.api('POST', '/v1/verifications', { to: `+8190123900${i}1` })).status).toBe(201);
    }
    const blocked = await system.api('POST', '/v1/verifications', { to: '+819012390061' });
    expect(blocked).toMatchObject({
      status: 403,
      body: { error: { code: 'destination_blocked', details: { reason: 'prefix_suspended' } } },
    });
    expect((await system.api('POST', '/v1/verifications', { to: '+819087650001' })).status).toBe(201);
    const metrics = await (await fetch(`${system.gateway.url}/metrics`)).text();
    expect(metrics).toMatch(/sendcode_blocked_total\{reason="prefix_suspended"\} 1\b/);

    const after = await eventually(
      () => system.api('POST', '/v1/verifications', { to: '+819012390071' }),
      (answer) => answer.status === 201,
      6_000,
    );
    expect(after.status).toBe(201);
  });

  it("one client's collapse blocks that client only; a second client's suspends the range for all", async () => {
    // Range +81 90 1239 1…; blocks last 3 s, and the two collapses must fall within that of each other.
    const start = (to: string, key = system.verifyKey) =>
      system.api('POST', '/v1/verifications', { to }, key);
    // acme starts five codes and confirms none: acme is blocked from the range...
    for (let i = 0; i < 5; i++) expect((await start(`+8190123910${i}1`)).status).toBe(201);
    const refused = await start('+819012391061');
    expect(refused).toMatchObject({
      status: 403,
      body: { error: { code: 'destination_blocked', details: { reason: 'prefix_suspended' } } },
    });
    // ...and globex, whose own traffic to it has not collapsed, is not: its starts go out. Its fifth
    // unconfirmed one collapses its own conversion: two clients (clientsToSuspendAll here), so the
    // range is now suspended for everyone.
    for (let i = 0; i < 5; i++) {
      expect((await start(`+8190123910${i}2`, system.otherClientKey)).status).toBe(201);
    }
    const suspended = await start('+819012391062', system.otherClientKey);
    expect(suspended).toMatchObject({
      status: 403,
      body: { error: { details: { reason: 'prefix_suspended' } } },
    });

    const timeline = async (id: string, key: string) =>
      (await system.api('GET', `/v1/verifications/${id}`, undefined, key)).body.timeline[0];
    expect(await timeline(refused.body.error.details.id, system.verifyKey)).toMatchObject({
      type: 'refused',
      detail: { reason: 'destination_blocked', block: 'prefix_suspended', scope: 'client' },
    });
    expect(await timeline(suspended.body.error.details.id, system.otherClientKey)).toMatchObject({
      type: 'refused',
      detail: { reason: 'destination_blocked', block: 'prefix_suspended', scope: 'all' },
    });
  });
});

describe('daily spend cap', () => {
  let system: TestSystem;
  beforeAll(async () => {
    // JP SMS costs 0.07 in the default table: one fits under 0.10, a second does not.
    system = await startTestSystem({
      SENDCODE_SETTINGS: settingsFile({ clients: { acme: { dailySpendCap: 0.1 } } }),
    });
  });
  afterAll(() => system.close());

  it('sends while the budget lasts, then answers 429 spend until the next UTC day; email is free', async () => {
    expect((await system.api('POST', '/v1/verifications', { to: '+819012380101' })).status).toBe(201);
    await system.messagesFor('+819012380101');
    const over = await system.api('POST', '/v1/verifications', { to: '+819012380102' });
    expect(over).toMatchObject({
      status: 429,
      body: { error: { code: 'rate_limited', details: { scope: 'spend' } } },
    });
    expect((await system.api('POST', '/v1/verifications', { to: 'free@example.com' })).status).toBe(201);
    const metrics = await (await fetch(`${system.gateway.url}/metrics`)).text();
    expect(metrics).toMatch(/sendcode_rate_limited_total\{scope="spend"\} 1\b/);
  });
});
