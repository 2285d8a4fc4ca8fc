import { type ApiEvent, eventually, types } from '@sendcode/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestSystem, type TestSystem } from '../helpers/system.ts';

describe('retries and failover between providers and along the plan', () => {
  let system: TestSystem;
  const view = async (id: string) => (await system.api('GET', `/v1/verifications/${id}`)).body;
  const until = (id: string, done: (timeline: ApiEvent[]) => boolean) =>
    eventually(
      () => view(id),
      (body) => done(body.timeline),
    );

  beforeAll(async () => {
    // Short backoff and two attempts keep the suite quick; the circuit stays out of the way here.
    system = await startTestSystem({
      DELIVERY_ATTEMPTS: '2',
      DELIVERY_BACKOFF_MS: '100',
      CIRCUIT_FAILURE_THRESHOLD: '1000',
    });
  });
  beforeEach(() => fetch(`${system.sandbox.httpUrl}/faults`, { method: 'DELETE' }));
  afterAll(() => system.close());

  it('Twilio SMS failing every time → Vonage SMS delivers the code, and the switch is counted', async () => {
    await system.fault({ provider: 'twilio', channel: 'sms', mode: 'error', status: 503 });
    const created = await system.api('POST', '/v1/verifications', { to: '+819012340001' });
    const [sms] = await system.messagesFor('+819012340001');
    expect(sms).toMatchObject({ channel: 'sms', provider: 'vonage' });

    const body = await until(created.body.id, (t) => types(t).includes('sent'));
    const failed = body.timeline.find((e: ApiEvent) => e.type === 'send_failed');
    expect(failed).toMatchObject({ provider: 'twilio', detail: { kind: 'retryable' } });
    expect(body.timeline.find((e: ApiEvent) => e.type === 'sent')).toMatchObject({ provider: 'vonage' });
    const check = await system.api('POST', `/v1/verifications/${created.body.id}/checks`, {
      code: sms?.code,
    });
    expect(check.body).toMatchObject({ valid: true, status: 'approved' });

    const metrics = await (await fetch(`${system.workers.url}/metrics`)).text();
    expect(metrics).toMatch(
      /sendcode_failovers_total\{from_channel="sms",to_channel="sms",reason="provider_error"\} [1-9]/,
    );
  });

  it('both SMS providers failing → after the retries, a call to the fallback with the same code', async () => {
    await system.fault({ provider: 'twilio', channel: 'sms', mode: 'error', status: 503 });
    await system.fault({ provider: 'vonage', channel: 'sms', mode: 'error', status: 500 });
    const to = '+819012340002';
    const created = await system.api('POST', '/v1/verifications', {
      to,
      fallbacks: [{ to, channel: 'voice' }],
    });
    const [call] = await system.messagesFor(to);
    expect(call).toMatchObject({ channel: 'voice', provider: 'twilio' });

    const body = await view(created.body.id);
    const failover = body.timeline.find((e: ApiEvent) => e.type === 'failover');
    expect(failover).toMatchObject({
      channel: 'voice',
      step: 1,
      detail: { reason: 'retries_exhausted', fromChannel: 'sms' },
    });
    const attempts = body.timeline
      .filter((e: ApiEvent) => e.type === 'send_failed')
      .map((e: ApiEvent) => e.detail?.attempt);
    expect(attempts).toEqual([1, 1, 2, 2]);
    const check = await system.api('POST', `/v1/verifications/${created.body.id}/checks`, {
      code: call?.code,
    });
    expect(check.body).toMatchObject({ valid: true, status: 'approved' });

    const metrics = await (await fetch(`${system.workers.url}/metrics`)).text();
    expect(metrics).toMatch(
      /sendcode_failovers_total\{from_channel="sms",to_channel="voice",reason="retries_exhausted"\} 1\b/,
    );
  });

  it('carrier mail refusing the email (550) → SMS to the fallback number within seconds', async () => {
    const created = await system.api('POST', '/v1/verifications', {
      to: 'hanako@docomo.ne.jp',
      fallbacks: [{ to: '+819012340003', channel: 'sms' }],
    });
    expect(created.body.warnings).toContain('carrier_mail_domain');
    const [sms] = await system.messagesFor('+819012340003');
    expect(sms).toMatchObject({ channel: 'sms' });
    const body = await view(created.body.id);
    expect(types(body.timeline)).toEqual(expect.arrayContaining(['send_failed', 'failover', 'sent']));
    expect(body.timeline.find((e: ApiEvent) => e.type === 'send_failed')).toMatchObject({
      channel: 'email',
      detail: { kind: 'permanent', providerCode: '550' },
    });
    expect(body.timeline.find((e: ApiEvent) => e.type === 'failover')).toMatchObject({
      detail: { reason: 'permanent_error' },
    });
    const check = await system.api('POST', `/v1/verifications/${created.body.id}/checks`, {
      code: sms?.code,
    });
    expect(check.body).toMatchObject({ valid: true, status: 'approved' });
  });

  it('an invalid number is never retried nor sent to the other provider, and fails with its reason', async () => {
    await system.fault({ provider: 'twilio', channel: 'sms', mode: 'reject' });
    const before = system.sandbox.requests();
    const created = await system.api('POST', '/v1/verifications', { to: '+819012340004' });
    const body = await eventually(
      () => view(created.body.id),
      (b) => b.status === 'failed',
    );
    expect(body.status).toBe('failed');
    expect(body.timeline.find((e: ApiEvent) => e.type === 'delivery_failed')).toMatchObject({
      detail: { reason: 'permanent_error', why: 'plan_exhausted' },
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const after = system.sandbox.requests();
    expect((after['twilio:sms'] ?? 0) - (before['twilio:sms'] ?? 0)).toBe(1);
    expect((after['vonage:sms'] ?? 0) - (before['vonage:sms'] ?? 0)).toBe(0);
  });
});

describe('a transient error on the only provider', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem({ SMS_PROVIDERS: 'twilio', DELIVERY_BACKOFF_MS: '200' });
  });
  afterAll(() => system.close());

  it('is retried with backoff and delivered', async () => {
    await system.fault({ provider: 'twilio', channel: 'sms', mode: 'error', status: 503, count: 1 });
    const created = await system.api('POST', '/v1/verifications', { to: '+819012340005' });
    const [sms] = await system.messagesFor('+819012340005');
    expect(sms).toMatchObject({ provider: 'twilio' });
    const body = (await system.api('GET', `/v1/verifications/${created.body.id}`)).body;
    const failed = body.timeline.find((e: ApiEvent) => e.type === 'send_failed');
    const sent = body.timeline.find((e: ApiEvent) => e.type === 'sent');
    expect(failed).toMatchObject({ provider: 'twilio', detail: { attempt: 1, kind: 'retryable' } });
    expect(sent).toMatchObject({ provider: 'twilio', detail: { attempt: 2 } });
    // The retry waited for the backoff (200 ms ± 50 %), it did not spin.
    expect(Date.parse(sent.at) - Date.parse(failed.at)).toBeGreaterThanOrEqual(100);
  });

  it('a 429 pauses the queue instead of spending an attempt', async () => {
    system.sandbox.clearFaults();
    await system.fault({ provider: 'twilio', channel: 'sms', mode: 'error', status: 429, count: 2 });
    const created = await system.api('POST', '/v1/verifications', { to: '+819012340006' });
    const [sms] = await system.messagesFor('+819012340006');
    expect(sms).toMatchObject({ provider: 'twilio' });
    const body = (await system.api('GET', `/v1/verifications/${created.body.id}`)).body;
    const failed = body.timeline.filter((e: ApiEvent) => e.type === 'send_failed');
    expect(failed.map((e: ApiEvent) => e.detail?.kind)).toEqual(['rate_limited', 'rate_limited']);
    // Both throttled runs were attempt 1: the send still had all its attempts when it went out.
    expect(failed.map((e: ApiEvent) => e.detail?.attempt)).toEqual([1, 1]);
    expect(body.timeline.find((e: ApiEvent) => e.type === 'sent')).toMatchObject({ detail: { attempt: 1 } });
  });
});

describe('the retry budget of a step with somewhere to go (defaults: 15 s, 1 s backoff doubling)', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem();
  });
  afterAll(() => system.close());

  it('both SMS providers answering 503 → the call of the voice fallback is placed within 20 s', async () => {
    await system.fault({ provider: 'twilio', channel: 'sms', mode: 'error', status: 503 });
    await system.fault({ provider: 'vonage', channel: 'sms', mode: 'error', status: 503 });
    const to = '+819012340007';
    const started = Date.now();
    const created = await system.api('POST', '/v1/verifications', {
      to,
      fallbacks: [{ to, channel: 'voice' }],
    });
    expect(created.status).toBe(201);
    // What a user would see: the sandbox's own list of what the providers were given.
    const listed = async () => {
      const response = await fetch(`${system.sandbox.httpUrl}/messages?to=${encodeURIComponent(to)}`);
      return (await response.json()) as { channel: string; code: string | null }[];
    };
    const messages = await eventually(listed, (found) => found.some((m) => m.channel === 'voice'), 25_000);
    const seconds = (Date.now() - started) / 1000;
    console.info(`retry budget: the voice call was placed ${seconds.toFixed(1)} s after the start`);
    const call = messages.find((m) => m.channel === 'voice');
    expect(call).toBeDefined();
    expect(seconds).toBeLessThan(20);

    const body = (await system.api('GET', `/v1/verifications/${created.body.id}`)).body;
    expect(body.timeline.find((e: ApiEvent) => e.type === 'failover')).toMatchObject({
      channel: 'voice',
      detail: { reason: 'retries_exhausted', fromChannel: 'sms' },
    });
    // It did retry the SMS providers first (more than once each), just not for minutes.
    const smsFailures = body.timeline.filter(
      (e: ApiEvent) => e.type === 'send_failed' && e.channel === 'sms',
    );
    expect(new Set(smsFailures.map((e: ApiEvent) => e.detail?.attempt)).size).toBeGreaterThan(1);
    const check = await system.api('POST', `/v1/verifications/${created.body.id}/checks`, {
      code: call?.code,
    });
    expect(check.body).toMatchObject({ valid: true, status: 'approved' });
  });
});
