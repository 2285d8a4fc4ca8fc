import { setTimeout as sleep } from 'node:timers/promises';
import { providerHealthKey, type RedisConnection } from '@sendcode/store';
import { type ApiEvent, eventually, testRedisConnection } from '@sendcode/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settingsFile } from '../helpers/settings.ts';
import { startTestSystem, type TestSystem } from '../helpers/system.ts';

// biome-ignore lint/suspicious/noExplicitAny: tests assert on response bodies field by field
type Json = any;

/**
 * Routing around a provider that accepts but does not deliver, live: the whole system, SMS starts
 * at a steady rate, and the sandbox's `no_receipt` fault on every Twilio SMS (POST /faults), then
 * cleared (DELETE /faults). The windows are the defaults' scaled down (15 s window, 1 s receipt
 * timeout, 5 s cooldown) so the switch and the recovery take seconds. At 40 starts/s a demoted
 * Twilio's window holds about 30 probes: recovery's confidence bound needs 22 or more, all
 * delivered. The policy's simulation proves the same at the default settings over minutes.
 */

const RATE = 40;
const HEALTH = {
  windowSeconds: 15,
  minOutcomes: 5,
  demoteBelow: 0.8,
  healthyAt: 0.95,
  cooldownSeconds: 5,
  probeShare: 0.05,
};

/** Every start its own mobile number (090-1RRR-RNNN and on), so no limit is what is measured. */
const run = Date.now() % 10_000;
let made = 0;
const phone = () => {
  made += 1;
  return `+8190${1 + Math.floor(made / 1000)}${String(run).padStart(4, '0')}${String(made % 1000).padStart(3, '0')}`;
};

/** Starts SMS verifications at RATE per second until stopped; resolves to their numbers and ids. */
function traffic(system: TestSystem) {
  let running = true;
  const ids: Promise<{ to: string; id: string }>[] = [];
  const done = (async () => {
    const t0 = Date.now();
    for (let i = 0; running; i += 1) {
      await sleep(Math.max(0, t0 + (i * 1000) / RATE - Date.now()));
      const to = phone();
      ids.push(
        system.api('POST', '/v1/verifications', { to }).then((r) => {
          if (r.status !== 201) throw new Error(`start answered ${r.status}: ${JSON.stringify(r.body)}`);
          return { to, id: r.body.id as string };
        }),
      );
    }
    return Promise.all(ids);
  })();
  return {
    stop: () => {
      running = false;
      return done;
    },
  };
}

describe('a provider that accepts SMS but never delivers them loses its first sends, and gets them back', () => {
  let system: TestSystem;
  let redis: RedisConnection;

  beforeAll(async () => {
    system = await startTestSystem({
      SMS_RECEIPT_TIMEOUT_SECONDS: '1',
      SENDCODE_SETTINGS: settingsFile({
        limits: {
          prefix: { limit: 1_000_000, windowSeconds: 3600, digits: 7 },
          client: { limit: 1_000_000, windowSeconds: 60 },
        },
        fraud: {
          conversion: {
            minSends: 1_000_000,
            threshold: 0.2,
            windowSeconds: 3600,
            blockSeconds: 60,
            digits: 7,
          },
        },
        providerHealth: HEALTH,
      }),
    });
    redis = testRedisConnection();
  });
  afterAll(async () => {
    await redis.quit();
    await system.close();
  });

  /** Per first send (one SMS per destination: a single-step plan has nowhere to fail over to). */
  const firstSends = () => {
    const seen = new Map<string, { to: string; provider: string; at: number }>();
    for (const m of system.sandbox.messages()) {
      if (m.channel !== 'sms' || seen.has(m.to)) continue;
      seen.set(m.to, { to: m.to, provider: m.provider, at: Date.parse(m.receivedAt) });
    }
    return [...seen.values()];
  };
  const shareOf = (provider: string, from: number, to: number) => {
    const within = firstSends().filter((s) => s.at >= from && s.at < to);
    return {
      share: within.filter((s) => s.provider === provider).length / Math.max(1, within.length),
      n: within.length,
    };
  };
  /** When the share of `provider` over the 2 s before it first reached `share`, polling for up to `ms`. */
  const reached = async (provider: string, share: number, ms: number) => {
    const seen = await eventually(
      async () => Date.now(),
      (now) => shareOf(provider, now - 2_000, now).share >= share,
      ms,
    );
    return shareOf(provider, seen - 2_000, seen).share >= share ? seen : Infinity;
  };
  const gauges = async () => {
    const text = await (await fetch(`${system.workers.url}/metrics`)).text();
    const value = (name: string) =>
      Number(new RegExp(`^${name}\\{provider="twilio",channel="sms"\\} (\\S+)$`, 'm').exec(text)?.[1]);
    return { ratio: value('sendcode_provider_delivery_ratio'), demoted: value('sendcode_provider_demoted') };
  };

  let routedId: string | undefined;

  it('switches to Vonage within seconds of the fault, keeps probing Twilio, and returns when it delivers again', async () => {
    const load = traffic(system);
    await sleep(4_000);
    expect(shareOf('twilio', 0, Date.now()).share).toBe(1);

    const faultAt = Date.now();
    await system.fault({ provider: 'twilio', channel: 'sms', mode: 'no_receipt' });
    const switchedAt = await reached('vonage', 0.9, 20_000);
    expect(switchedAt - faultAt).toBeLessThan(15_000);
    expect(await gauges()).toMatchObject({ demoted: 1 });
    expect((await gauges()).ratio).toBeLessThan(HEALTH.demoteBelow);
    await sleep(10_000);
    const during = shareOf('vonage', switchedAt, switchedAt + 10_000);

    const clearedAt = Date.now();
    const cleared = await fetch(`${system.sandbox.httpUrl}/faults`, { method: 'DELETE' });
    expect(cleared.ok).toBe(true);
    const backAt = await reached('twilio', 0.9, 45_000);
    const promoted = await eventually(gauges, (g) => g.demoted === 0, 10_000);
    const ids = await load.stop();

    console.info(
      `live, ${RATE} SMS starts/s, window ${HEALTH.windowSeconds} s, receipt timeout 1 s, cooldown ${HEALTH.cooldownSeconds} s: ` +
        `≥ 90 % Vonage ${((switchedAt - faultAt) / 1000).toFixed(1)} s after the fault; Vonage share over the next 10 s ` +
        `${(during.share * 100).toFixed(1)} % of ${during.n}; Twilio ≥ 90 % again ${((backAt - clearedAt) / 1000).toFixed(1)} s after the fault was cleared; ${ids.length} starts`,
    );
    expect(during.share).toBeGreaterThanOrEqual(0.9);
    // Probes: Twilio kept a small share while demoted, so its ratio could recover.
    expect(during.share).toBeLessThan(1);
    expect(backAt - clearedAt).toBeLessThan(40_000);
    expect(promoted).toMatchObject({ demoted: 0 });

    // Three moves stored, once each, in the shared state: demoted, recovering, healthy. No flapping,
    // and Vonage never moved.
    expect(
      await redis.hmget(providerHealthKey(system.env.SENDCODE_PREFIX ?? '', 'twilio:sms'), 'state', 'v'),
    ).toEqual(['healthy', '3']);
    expect(
      await redis.hget(providerHealthKey(system.env.SENDCODE_PREFIX ?? '', 'vonage:sms'), 'v'),
    ).toBeNull();

    const routed = firstSends().find(
      (s) => s.at >= switchedAt && s.at < clearedAt && s.provider === 'vonage',
    );
    routedId = ids.find((start) => start.to === routed?.to)?.id;
  }, 120_000);

  it('the routed send says why on its timeline, and support reads it in plain words', async () => {
    expect(routedId).toBeDefined();
    const view = (await system.api('GET', `/v1/verifications/${routedId}`)).body;
    const sent = view.timeline.find((e: ApiEvent) => e.type === 'sent');
    expect(sent).toMatchObject({ channel: 'sms', provider: 'vonage', detail: { routedAround: 'twilio' } });
    const support = await system.api(
      'GET',
      `/v1/support/verifications?id=${routedId}`,
      undefined,
      system.supportKey,
    );
    const found: Json = support.body.verifications[0];
    expect(found.diagnosis.code).toBe('routed_around_provider');
    expect(found.diagnosis.en.summary).toMatch(/^Twilio was not delivering SMS messages.*through Vonage/);
    expect(found.diagnosis.ja.summary).toMatch(/^Twilioの.*Vonageから送信しました/);
  });

  it('counts a negative SMS receipt against the provider, but not a call that rang unanswered', async () => {
    const key = (api: 'twilio:sms' | 'twilio:voice') =>
      providerHealthKey(system.env.SENDCODE_PREFIX ?? '', api);
    const counted = async (api: 'twilio:sms' | 'twilio:voice', kind: string) =>
      Object.entries(await redis.hgetall(key(api)))
        .filter(([field]) => field.startsWith(`${kind}:`))
        .reduce((sum, [, value]) => sum + Number(value), 0);
    const [smsBefore, callsBefore] = [await counted('twilio:sms', 'f'), await counted('twilio:voice', 'f')];
    await system.fault({ provider: 'twilio', mode: 'undelivered' });
    const sms = await system.api('POST', '/v1/verifications', { to: phone() });
    const call = await system.api('POST', '/v1/verifications', { to: phone(), channel: 'voice' });
    for (const id of [sms.body.id, call.body.id]) {
      await eventually(
        async () => (await system.api('GET', `/v1/verifications/${id}`)).body,
        (v: Json) => v.timeline.some((e: ApiEvent) => e.type === 'undelivered'),
      );
    }
    const view = (await system.api('GET', `/v1/verifications/${call.body.id}`)).body;
    expect(view.timeline.find((e: ApiEvent) => e.type === 'undelivered')).toMatchObject({
      detail: { providerStatus: 'no-answer' },
    });
    expect(
      await eventually(
        () => counted('twilio:sms', 'f'),
        (n) => n === smsBefore + 1,
      ),
    ).toBe(smsBefore + 1);
    expect(await counted('twilio:voice', 'f')).toBe(callsBefore);
    await fetch(`${system.sandbox.httpUrl}/faults`, { method: 'DELETE' });
  });
});
