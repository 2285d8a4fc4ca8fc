import { createKeyRing, hexLookupHash, lookupHash, maskDestination } from '@sendcode/policy';
import {
  auditLogKey,
  createSupportIndex,
  createVerificationStore,
  REFUSAL_WINDOW_MS,
  type RedisConnection,
} from '@sendcode/store';
import { clearOfWindowEdge, eventually, testRedisConnection } from '@sendcode/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { settingsFile } from '../helpers/settings.ts';
import { startTestSystem, type TestSystem } from '../helpers/system.ts';

// biome-ignore lint/suspicious/noExplicitAny: tests assert on response bodies field by field
type Json = any;

/** Searches the support API with the support key. */
const search = (system: TestSystem, query: Record<string, string>) =>
  system.api('GET', `/v1/support/verifications?${new URLSearchParams(query)}`, undefined, system.supportKey);

/** Polls the support API until verification `id`, found by `query`, has diagnosis `code`; returns it. */
async function diagnosed(system: TestSystem, query: Record<string, string>, id: string, code: string) {
  const found = await eventually(
    () => search(system, query),
    (r) => r.body?.verifications?.some((v: Json) => v.id === id && v.diagnosis.code === code),
  );
  expect(found.status).toBe(200);
  const view = found.body.verifications.find((v: Json) => v.id === id);
  expect(view?.diagnosis.code).toBe(code);
  expect(view.diagnosis.en.summary.length).toBeGreaterThan(10);
  expect(view.diagnosis.en.suggestion).toMatch(/^Suggest: /);
  expect(view.diagnosis.ja.summary).toMatch(/[\u3040-\u30ff\u4e00-\u9faf]/);
  expect(view.diagnosis.ja.suggestion).toMatch(/^対応案：/);
  return { view, raw: JSON.stringify(found.body) };
}

/** The clear destination appears nowhere in a support answer: not whole, not its national digits. */
function expectMasked(raw: string, destination: string) {
  expect(raw).not.toContain(destination);
  expect(raw).not.toContain(destination.replace(/^\+\d\d/, ''));
  expect(raw).toContain(maskDestination(destination));
}

/** Waits until the gateway's Redis connection is up: a request before that is answered 503. */
async function ready(system: TestSystem): Promise<void> {
  await eventually(
    () => fetch(`${system.gateway.url}/readyz`).then((r) => r.status),
    (status) => status === 200,
  );
}

describe('support API: every diagnosis from a real run through the sandbox', () => {
  let system: TestSystem;
  let redis: RedisConnection;
  beforeAll(async () => {
    system = await startTestSystem({
      SMS_RECEIPT_TIMEOUT_SECONDS: '1',
      DELIVERY_ATTEMPTS: '2',
      DELIVERY_BACKOFF_MS: '100',
      CIRCUIT_FAILURE_THRESHOLD: '1000',
    });
    redis = testRedisConnection();
    await ready(system);
  });
  beforeEach(() => system.sandbox.clearFaults());
  afterAll(async () => {
    await redis.quit();
    await system.close();
  });

  it('delivered: a plain SMS whose receipt arrived, masked, with its client and steps', async () => {
    const to = '+819012370001';
    const created = await system.api('POST', '/v1/verifications', { to, accountRef: 'acct-support-1' });
    const { view, raw } = await diagnosed(system, { to }, created.body.id, 'delivered');
    expectMasked(raw, to);
    expect(view).toMatchObject({ client: 'acme', status: 'pending', to: '+81 90-****-0001' });
    expect(view.steps).toEqual([
      expect.objectContaining({ send: 1, channel: 'sms', provider: 'twilio', status: 'delivered' }),
    ]);
    expect(view.steps[0].receiptAt).toEqual(expect.any(String));
    expect(view.checks).toMatchObject({ attempts: 0, maxAttempts: 5, remaining: 5 });
    // The same verification by accountRef and by id; the national format of the number finds it too.
    const byAccount = await search(system, { accountRef: 'acct-support-1' });
    expect(byAccount.body.verifications.map((v: Json) => v.id)).toEqual([created.body.id]);
    const byId = await search(system, { id: created.body.id });
    expect(byId.body.verifications.map((v: Json) => v.id)).toEqual([created.body.id]);
    const spaced = await search(system, { to: '+81 90-1237-0001' });
    expect(spaced.body.verifications.map((v: Json) => v.id)).toContain(created.body.id);
  });

  it("a support key sees every client's verifications", async () => {
    const to = '+819012370010';
    const created = await system.api('POST', '/v1/verifications', { to }, system.otherClientKey);
    const { view } = await diagnosed(system, { to }, created.body.id, 'delivered');
    expect(view.client).toBe('globex');
  });

  it('carrier mail rejected → SMS, which was delivered', async () => {
    const to = 'hanako.support@docomo.ne.jp';
    const created = await system.api('POST', '/v1/verifications', {
      to,
      fallbacks: [{ to: '+819012370002', channel: 'sms' }],
    });
    const { view, raw } = await diagnosed(system, { to }, created.body.id, 'carrier_mail_rejected');
    expect(raw).not.toContain('hanako');
    expect(raw).not.toContain('9012370002');
    expect(view.warnings).toContain('carrier_mail_domain');
    expect(view.diagnosis.en.summary).toMatch(/carrier mail refused our email.*SMS instead/);
    expect(view.steps[1]).toMatchObject({ channel: 'sms', startedBecause: 'permanent_error' });
  });

  it('fixed-line → called', async () => {
    const to = '+81312370003';
    const created = await system.api('POST', '/v1/verifications', { to });
    expect(created.body.warnings).toContain('fixed_line_voice');
    const { view, raw } = await diagnosed(system, { to }, created.body.id, 'fixed_line_called');
    expectMasked(raw, to);
    expect(view.steps[0]).toMatchObject({ channel: 'voice' });
  });

  it('provider outage → the other provider', async () => {
    system.sandbox.addFault({ provider: 'twilio', channel: 'sms', mode: 'error', status: 503 });
    const to = '+819012370004';
    const created = await system.api('POST', '/v1/verifications', { to });
    const { view } = await diagnosed(system, { to }, created.body.id, 'provider_outage');
    expect(view.steps[0]).toMatchObject({ provider: 'vonage' });
  });

  it('no receipt → the next channel', async () => {
    system.sandbox.addFault({ provider: 'twilio', channel: 'sms', mode: 'no_receipt' });
    const to = '+819012370005';
    const created = await system.api('POST', '/v1/verifications', {
      to,
      fallbacks: [{ to, channel: 'voice' }],
    });
    const { view } = await diagnosed(system, { to }, created.body.id, 'no_receipt_next_channel');
    expect(view.steps[1]).toMatchObject({ channel: 'voice', startedBecause: 'no_receipt' });
  });

  it.each([
    { form: 'its lookup hash', hash: lookupHash, to: '+819012370006', id: `ver_${'e'.repeat(32)}` },
    {
      form: 'the hex form of earlier versions',
      hash: hexLookupHash,
      to: '+819012370016',
      id: `ver_${'f'.repeat(32)}`,
    },
  ])(
    'expired unused (written through the store), found by phone number indexed under $form',
    async ({ hash, to, id }) => {
      const prefix = system.env.SENDCODE_PREFIX as string;
      const store = createVerificationStore({ redis, prefix });
      const lookup = createKeyRing(system.env.SENDCODE_SECRET as string).current.lookup;
      const createdAt = Date.now() - 120_000;
      await store.create(
        {
          id,
          client: 'acme',
          planMasked: [{ channel: 'sms', to: maskDestination(to) }],
          sealedPlan: 'sealed',
          sealedCode: 'sealed',
          codeHash: 'a'.repeat(64),
          codeLength: 6,
          locale: 'en',
          brand: 'Acme',
          purpose: 'sign_in',
          accountRef: undefined,
          ttlSeconds: 60,
          createdAt,
          expiresAt: createdAt + 60_000,
          maxAttempts: 5,
          channel: 'sms',
        },
        createdAt,
      );
      await createSupportIndex({ redis, prefix }).add('destination', hash(lookup, to), id, createdAt);
      const { view } = await diagnosed(system, { to }, id, 'expired_unused');
      expect(view.status).toBe('expired');
    },
  );

  it('locked after wrong codes', async () => {
    const to = '+819012370007';
    const created = await system.api('POST', '/v1/verifications', { to });
    const [sms] = await system.messagesFor(to);
    const wrong = sms?.code === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i++) {
      await system.api('POST', `/v1/verifications/${created.body.id}/checks`, { code: wrong });
    }
    const { view } = await diagnosed(system, { to }, created.body.id, 'locked');
    expect(view.checks).toMatchObject({ attempts: 5, remaining: 0 });
    expect(view.checks.events).toHaveLength(5);
  });

  it('rate limited: 3 refused starts are one entry that says refused 3 times, and why', async () => {
    const to = '+819012370008';
    await clearOfWindowEdge(REFUSAL_WINDOW_MS);
    for (const purpose of ['a_a', 'a_b', 'a_c', 'a_d', 'a_e']) {
      expect((await system.api('POST', '/v1/verifications', { to, purpose })).status).toBe(201);
    }
    const refused = [];
    for (const purpose of ['a_f', 'a_g', 'a_h']) {
      refused.push(await system.api('POST', '/v1/verifications', { to, purpose }));
    }
    expect(refused.map((r) => r.status)).toEqual([429, 429, 429]);
    const ids = new Set(refused.map((r) => r.body.error.details.id));
    expect(ids.size).toBe(1);
    const [id] = [...ids];
    const { view } = await diagnosed(system, { to }, id, 'rate_limited');
    expect(view).toMatchObject({
      status: 'failed',
      outcome: { refused: 'rate_limited', refusedCount: 3 },
    });
    expect(Date.parse(view.outcome.lastRefusedAt)).toBeGreaterThanOrEqual(
      Date.parse(view.outcome.firstRefusedAt),
    );
    expect(view.diagnosis.en.summary).toMatch(/^No code was sent: too many codes .*\(refused 3 times\)\.$/);
    expect(view.diagnosis.ja.summary).toMatch(/上限.*3回拒否されました/);
    expect(view.timeline.filter((e: Json) => e.type === 'refused')).toHaveLength(1);
    const found = await search(system, { to });
    const refusals = found.body.verifications.filter((v: Json) => v.outcome.refused !== undefined);
    expect(refusals.map((v: Json) => v.id)).toEqual([id]);
  });

  it('approved after the user entered the code', async () => {
    const to = '+819012370009';
    const created = await system.api('POST', '/v1/verifications', { to });
    const [sms] = await system.messagesFor(to);
    await system.api('POST', `/v1/verifications/${created.body.id}/checks`, { code: sms?.code });
    await diagnosed(system, { to }, created.body.id, 'approved');
  });
});

describe('support API: fraud guard, pending, access and audit', () => {
  let system: TestSystem;
  let redis: RedisConnection;
  beforeAll(async () => {
    system = await startTestSystem({
      SENDCODE_SETTINGS: settingsFile({
        clients: { acme: { allowedCountries: { sms: ['JP'], voice: ['JP'] } } },
      }),
    });
    redis = testRedisConnection();
    await ready(system);
  });
  afterAll(async () => {
    await redis.quit();
    await system.close();
  });

  it('blocked by the fraud guard', async () => {
    const to = '+12025550143';
    const refused = await system.api('POST', '/v1/verifications', { to });
    expect(refused.status).toBe(403);
    const { view, raw } = await diagnosed(system, { to }, refused.body.error.details.id, 'fraud_blocked');
    expectMasked(raw, to);
    expect(view.diagnosis.en.summary).toMatch(/fraud guard.*country/);
  });

  it('still pending: accepted, no receipt yet', async () => {
    system.sandbox.addFault({ provider: 'twilio', channel: 'sms', mode: 'no_receipt' });
    const to = '+819012370011';
    const created = await system.api('POST', '/v1/verifications', { to });
    await system.messagesFor(to);
    const { view } = await diagnosed(system, { to }, created.body.id, 'pending');
    expect(view.status).toBe('pending');
    system.sandbox.clearFaults();
  });

  it('is read-only and for support keys only', async () => {
    const path = '/v1/support/verifications?to=%2B819012370011';
    expect((await system.api('GET', path, undefined, system.verifyKey)).status).toBe(403);
    expect((await system.api('GET', '/v1/support/audit', undefined, system.verifyKey)).status).toBe(403);
    expect((await system.api('GET', path, undefined, null)).status).toBe(401);
    const start = await system.api('POST', '/v1/verifications', { to: '+819012370012' }, system.supportKey);
    expect(start.status).toBe(403);
  });

  it('wants exactly one of to, accountRef or id', async () => {
    for (const query of ['', 'to=%2B819012370011&id=ver_x', 'name=x']) {
      const answer = await system.api(
        'GET',
        `/v1/support/verifications?${query}`,
        undefined,
        system.supportKey,
      );
      expect(answer).toMatchObject({ status: 400, body: { error: { code: 'validation_failed' } } });
    }
    const bad = await search(system, { to: 'not a destination' });
    expect(bad).toMatchObject({ status: 400, body: { error: { code: 'invalid_destination' } } });
    expect((await search(system, { id: 'ver_nope' })).body.verifications).toEqual([]);
  });

  it('records every lookup with the query hashed, never in clear', async () => {
    const to = '+819012370013';
    await search(system, { to });
    await search(system, { accountRef: 'acct-audited' });
    const audit = await system.api('GET', '/v1/support/audit', undefined, system.supportKey);
    expect(audit.status).toBe(200);
    const lookup = createKeyRing(system.env.SENDCODE_SECRET as string).current.lookup;
    expect(audit.body.entries.slice(0, 2)).toEqual([
      expect.objectContaining({
        actor: 'helpdesk',
        queryKind: 'accountRef',
        queryHash: lookupHash(lookup, 'audit:accountRef:acct-audited'),
        results: 0,
      }),
      expect.objectContaining({
        actor: 'helpdesk',
        queryKind: 'to',
        queryHash: lookupHash(lookup, `audit:to:${to}`),
        at: expect.any(String),
      }),
    ]);
    const stored = JSON.stringify(
      await redis.xrange(auditLogKey(system.env.SENDCODE_PREFIX as string), '-', '+'),
    );
    for (const text of [JSON.stringify(audit.body), stored]) {
      expect(text).not.toContain('9012370013');
      expect(text).not.toContain('acct-audited');
    }
  });
});
