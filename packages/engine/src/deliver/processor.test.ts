import type { Channel, Delivery, SendResult } from '@sendcode/channels';
import {
  type ChannelName,
  createKeyRing,
  diagnose,
  type KeyRing,
  maskDestination,
  type PlanStep,
  type ProviderName,
  sealWith,
} from '@sendcode/policy';
import {
  createSpendLedger,
  type DeliveryQueues,
  spendDay,
  type TimelineEvent,
  type VerificationStore,
  verificationKeys,
} from '@sendcode/store';
import { eventually, testRedis, uniquePrefix } from '@sendcode/testing';
import type { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { EngineConfig } from '../config.ts';
import type { ChannelSet } from '../deps.ts';
import { engineFixture, recordingLogger, TEST_CODE } from '../test-fixture.ts';

/**
 * The delivery processor on real Redis and real BullMQ workers, with adapters written here: the
 * parts that fail are injected (an adapter that rejects with something that is not an Error, a
 * record whose sealed values cannot be opened, a brand that cannot be rendered), everything else is
 * what the workers app wires.
 */

const PHONE = '+819012345678';
const EMAIL = 'taro@example.com';
const CODE = TEST_CODE;

/** An adapter that accepts everything and remembers what it was given. */
function accepting<C extends ChannelName>(channel: C, provider: ProviderName) {
  const sent: Delivery<C>[] = [];
  const adapter: Channel<C> = {
    channel,
    provider,
    async send(delivery): Promise<SendResult> {
      sent.push(delivery);
      return { providerMessageId: `${provider}-${sent.length}` };
    },
    async close() {},
  };
  return { adapter, sent };
}

/** An adapter that rejects with `value`, which is not an Error (a bug in it, or in an SDK under it). */
function rejecting<C extends ChannelName>(channel: C, provider: ProviderName, value: unknown) {
  let calls = 0;
  const adapter: Channel<C> = {
    channel,
    provider,
    send: () => {
      calls += 1;
      return Promise.reject(value);
    },
    async close() {},
  };
  return { adapter, calls: () => calls };
}

interface Harness {
  /** Every line the processor logged. */
  readonly logs: string[];
  readonly store: VerificationStore;
  readonly queues: DeliveryQueues;
  readonly redis: Redis;
  readonly prefix: string;
  readonly registry: Registry;
  readonly ring: KeyRing;
  /** Stores a pending verification sealed with `sealRing` (default: the workers' ring); does not enqueue. */
  create(plan: readonly PlanStep[], options?: { brand?: string; sealRing?: KeyRing }): Promise<string>;
  /** Enqueues send 1 (plan step 0), as the gateway does after `create`. */
  enqueue(id: string, channel: ChannelName): Promise<void>;
  close(): Promise<void>;
}

let redis: Redis;
beforeAll(() => {
  redis = testRedis();
});
afterAll(async () => {
  await redis.quit();
});

const harnesses: Harness[] = [];
afterEach(async () => {
  const done = harnesses.splice(0);
  await Promise.all(done.map((h) => h.close()));
  // Whatever failed, the logs say so without a code or a destination.
  for (const h of done) {
    for (const secret of [CODE, PHONE, PHONE.slice(1), EMAIL]) {
      expect(h.logs.filter((line) => line.includes(secret))).toEqual([]);
    }
  }
});

/** What a test may change of the harness's engine config. */
type HarnessConfig = Partial<Pick<EngineConfig, 'retry' | 'stepRetryMs'>>;

/** Starts one BullMQ worker per channel queue over `channels`, under a prefix of its own. */
function startHarness(
  channels: ChannelSet,
  ring = createKeyRing('workers-secret'),
  overrides: HarnessConfig = {},
): Harness {
  const logs: string[] = [];
  const fixture = engineFixture(redis, {
    prefix: uniquePrefix('deliver'),
    channels,
    ring,
    logger: recordingLogger(logs),
    config: overrides,
  });
  fixture.startWorkers();
  const { deps, prefix, registry } = fixture;
  const harness: Harness = {
    logs,
    store: deps.store,
    queues: deps.queues,
    redis,
    prefix,
    registry,
    ring,
    create: (plan, options) => fixture.create(plan, options),
    async enqueue(id, channel) {
      await deps.queues.add(channel, { verificationId: id, step: 0, send: 1 });
    },
    close: () => fixture.close(),
  };
  harnesses.push(harness);
  return harness;
}

const none = { email: [], sms: [], voice: [] } as const;

/** Waits until the verification is final or a send of `step` was accepted, and returns its timeline. */
async function settled(h: Harness, id: string, done: (timeline: TimelineEvent[]) => boolean) {
  return eventually(
    () => h.store.timeline(id),
    (timeline) => done(timeline),
  );
}

const failedFinal = (timeline: TimelineEvent[]) => timeline.some((e) => e.type === 'delivery_failed');
const sentAt = (step: number) => (timeline: TimelineEvent[]) =>
  timeline.some((e) => e.type === 'sent' && e.step === step);

/** The send-failure events, as (step, channel, kind). */
const failures = (timeline: readonly TimelineEvent[]) =>
  timeline
    .filter((e) => e.type === 'send_failed')
    .map((e) => ({ step: e.step, channel: e.channel, kind: e.detail?.kind }));

/**
 * Every job of a verification's sends is finished: none waits, is delayed for a retry or runs. A job
 * that fails the verification writes its timeline before it throws, and BullMQ moves it out of
 * `active` only then: so this waits a moment for the last one to finish.
 */
async function nothingQueued(h: Harness, id: string) {
  const unfinished = async () => {
    const states = ['waiting', 'delayed', 'active', 'prioritized', 'waiting-children'] as const;
    const jobs = await Promise.all(h.queues.all().map((queue) => queue.getJobs([...states])));
    return jobs.flat().filter((job) => job.data.verificationId === id);
  };
  expect(await eventually(unfinished, (jobs) => jobs.length === 0, 2_000)).toEqual([]);
}

/** The value of one series of the registry's metrics, 0 when absent. */
async function metric(h: Harness, name: string, labels: Record<string, string>): Promise<number> {
  const found = (await h.registry.getSingleMetric(name)?.get())?.values.find((v) =>
    Object.entries(labels).every(([label, value]) => v.labels[label] === value),
  );
  return found?.value ?? 0;
}

/** What support would read for the verification: its diagnosis from the stored record, sends and timeline. */
async function diagnosisOf(h: Harness, id: string) {
  const record = await h.store.get(id, Date.now());
  if (!record) throw new Error('verification is gone');
  return diagnose({
    status: record.status,
    sends: await h.store.sends(id),
    timeline: await h.store.timeline(id),
    now: Date.now(),
    expiresAt: record.expiresAt,
    attempts: record.attempts,
    maxAttempts: record.maxAttempts,
  });
}

describe('an adapter that rejects with something that is not an Error', () => {
  it.each([
    ['a string', 'boom'],
    ['a plain object', {}],
    ['undefined', undefined],
  ])(
    'rejecting with %s fails that send as adapter_error and the next step sends the code',
    async (_, value) => {
      const broken = rejecting('sms', 'twilio', value);
      const email = accepting('email', 'smtp');
      const h = startHarness({ ...none, sms: [broken.adapter], email: [email.adapter] });
      const id = await h.create([
        { channel: 'sms', to: PHONE },
        { channel: 'email', to: EMAIL },
      ]);
      await h.enqueue(id, 'sms');

      const timeline = await settled(h, id, (t) => sentAt(1)(t) || failedFinal(t));
      expect(failures(timeline)).toEqual([{ step: 0, channel: 'sms', kind: 'adapter_error' }]);
      expect(timeline.find((e) => e.type === 'send_failed')).toMatchObject({ provider: 'twilio' });
      expect(timeline.find((e) => e.type === 'failover')).toMatchObject({
        step: 1,
        channel: 'email',
        detail: { reason: 'permanent_error', fromStep: 0, fromChannel: 'sms' },
      });
      expect(timeline.find((e) => e.type === 'sent')).toMatchObject({ step: 1, provider: 'smtp' });
      // Once, not retried: a broken adapter answers the same way again.
      expect(broken.calls()).toBe(1);
      expect(email.sent.map((d) => d.to)).toEqual([EMAIL]);
      expect((await h.store.sends(id)).map((s) => s.status)).toEqual(['failed', 'accepted']);
      await nothingQueued(h, id);
      expect(
        await metric(h, 'sendcode_send_attempts_total', {
          channel: 'sms',
          provider: 'twilio',
          result: 'permanent_error',
        }),
      ).toBe(1);
      // The SMS was charged before the call and given back when it failed.
      expect(await createSpendLedger({ redis, prefix: h.prefix }).spent('acme', spendDay(Date.now()))).toBe(
        0,
      );
    },
  );

  it('with no step left, the verification fails with the reason on its timeline', async () => {
    const broken = rejecting('email', 'smtp', 'boom');
    const h = startHarness({ ...none, email: [broken.adapter] });
    const id = await h.create([{ channel: 'email', to: EMAIL }]);
    await h.enqueue(id, 'email');

    const timeline = await settled(h, id, failedFinal);
    expect(failures(timeline)).toEqual([{ step: 0, channel: 'email', kind: 'adapter_error' }]);
    expect(timeline.find((e) => e.type === 'delivery_failed')).toMatchObject({
      detail: { reason: 'permanent_error', why: 'plan_exhausted' },
    });
    expect((await h.store.get(id, Date.now()))?.status).toBe('failed');
    expect(broken.calls()).toBe(1);
    await nothingQueued(h, id);
    expect(h.logs.find((line) => line.includes('"adapter_error"'))).toContain('rejected with string');
    expect((await diagnosisOf(h, id)).code).toBe('adapter_error');
  });

  it('an adapter that resolves without a provider message id fails that send as adapter_error', async () => {
    let calls = 0;
    const broken: Channel<'sms'> = {
      channel: 'sms',
      provider: 'vonage',
      send: async () => {
        calls += 1;
        return undefined as unknown as SendResult;
      },
      async close() {},
    };
    const voice = accepting('voice', 'twilio');
    const h = startHarness({ ...none, sms: [broken], voice: [voice.adapter] });
    const id = await h.create([
      { channel: 'sms', to: PHONE },
      { channel: 'voice', to: PHONE },
    ]);
    await h.enqueue(id, 'sms');

    const timeline = await settled(h, id, (t) => sentAt(1)(t) || failedFinal(t));
    expect(failures(timeline)).toEqual([{ step: 0, channel: 'sms', kind: 'adapter_error' }]);
    expect(timeline.find((e) => e.type === 'sent')).toMatchObject({ step: 1, channel: 'voice' });
    // Not called again and again: each call may have sent a message.
    expect(calls).toBe(1);
    expect(voice.sent).toHaveLength(1);
    await nothingQueued(h, id);
  });
});

describe('a send whose sealed values cannot be opened', () => {
  it('a worker whose key ring lacks the sealing key fails each step as open_failed, then the verification', async () => {
    const sms = accepting('sms', 'twilio');
    const email = accepting('email', 'smtp');
    // The gateway sealed with a secret this worker was never given (a rotation done on one side only).
    const h = startHarness({ ...none, sms: [sms.adapter], email: [email.adapter] });
    const id = await h.create(
      [
        { channel: 'sms', to: PHONE },
        { channel: 'email', to: EMAIL },
      ],
      { sealRing: createKeyRing('gateway-secret') },
    );
    await h.enqueue(id, 'sms');

    const timeline = await settled(h, id, failedFinal);
    expect(failures(timeline)).toEqual([
      { step: 0, channel: 'sms', kind: 'open_failed' },
      { step: 1, channel: 'email', kind: 'open_failed' },
    ]);
    expect(timeline.find((e) => e.type === 'failover')).toMatchObject({
      step: 1,
      detail: { reason: 'permanent_error', fromChannel: 'sms' },
    });
    expect(timeline.find((e) => e.type === 'delivery_failed')).toMatchObject({
      detail: { reason: 'permanent_error', why: 'plan_exhausted' },
    });
    // The masked destination of the step, as every send event has it.
    expect(timeline.find((e) => e.type === 'send_failed')?.to).toBe(maskDestination(PHONE));
    expect(sms.sent).toEqual([]);
    expect(email.sent).toEqual([]);
    await nothingQueued(h, id);
    expect(
      await metric(h, 'sendcode_send_attempts_total', {
        channel: 'sms',
        provider: 'none',
        result: 'permanent_error',
      }),
    ).toBe(1);
    // The log tells an operator which key is missing, and nothing of what the record holds.
    expect(h.logs.find((line) => line.includes('"open_failed"'))).toContain('not on the key ring');
    expect((await diagnosisOf(h, id)).code).toBe('code_unreadable');
    // Nothing was charged: the failure came before any provider was paid.
    expect(await createSpendLedger({ redis, prefix: h.prefix }).spent('acme', spendDay(Date.now()))).toBe(0);
  });

  it('garbage in the sealed code fails the send as open_failed; the verification fails', async () => {
    const email = accepting('email', 'smtp');
    const h = startHarness({ ...none, email: [email.adapter] });
    const id = await h.create([{ channel: 'email', to: EMAIL }]);
    await h.redis.hset(verificationKeys(h.prefix, id).record, 'sealedCode', 'v1.not.a.sealed.value');
    await h.enqueue(id, 'email');

    const timeline = await settled(h, id, failedFinal);
    expect(failures(timeline)).toEqual([{ step: 0, channel: 'email', kind: 'open_failed' }]);
    expect((await h.store.get(id, Date.now()))?.status).toBe('failed');
    expect(email.sent).toEqual([]);
    await nothingQueued(h, id);
  });

  it('a pending verification whose sealed code is missing fails the send as open_failed', async () => {
    const email = accepting('email', 'smtp');
    const h = startHarness({ ...none, email: [email.adapter] });
    const id = await h.create([{ channel: 'email', to: EMAIL }]);
    await h.redis.hdel(verificationKeys(h.prefix, id).record, 'sealedCode');
    await h.enqueue(id, 'email');

    const timeline = await settled(h, id, failedFinal);
    expect(failures(timeline)).toEqual([{ step: 0, channel: 'email', kind: 'open_failed' }]);
    expect((await h.store.get(id, Date.now()))?.status).toBe('failed');
    expect(email.sent).toEqual([]);
    await nothingQueued(h, id);
  });

  it('a sealed plan that opens to something other than a list of steps fails the send as open_failed', async () => {
    const email = accepting('email', 'smtp');
    const h = startHarness({ ...none, email: [email.adapter] });
    const id = await h.create([{ channel: 'email', to: EMAIL }]);
    const sendsKey = verificationKeys(h.prefix, id).sends;
    // The sends document is [sends, plan, claims] (the store's lua-includes/sends.lua).
    const [sends] = JSON.parse((await h.redis.get(sendsKey)) ?? '[]');
    const plan = sealWith(h.ring, `{"to":"${EMAIL}"`, { verificationId: id, field: 'plan' });
    await h.redis.set(sendsKey, JSON.stringify([sends, plan]));
    await h.enqueue(id, 'email');

    const timeline = await settled(h, id, failedFinal);
    expect(failures(timeline)).toEqual([{ step: 0, channel: 'email', kind: 'open_failed' }]);
    expect(email.sent).toEqual([]);
    await nothingQueued(h, id);
  });
});

describe('a send that cannot be rendered', () => {
  it('a stored brand the templates refuse fails each step as render_failed, then the verification', async () => {
    const sms = accepting('sms', 'twilio');
    const email = accepting('email', 'smtp');
    const h = startHarness({ ...none, sms: [sms.adapter], email: [email.adapter] });
    // Written by a gateway that did not check brands yet: the templates refuse anything link-like.
    const id = await h.create(
      [
        { channel: 'sms', to: PHONE },
        { channel: 'email', to: EMAIL },
      ],
      { brand: 'contoso-login.example' },
    );
    await h.enqueue(id, 'sms');

    const timeline = await settled(h, id, failedFinal);
    expect(failures(timeline)).toEqual([
      { step: 0, channel: 'sms', kind: 'render_failed' },
      { step: 1, channel: 'email', kind: 'render_failed' },
    ]);
    expect(timeline.filter((e) => e.type === 'failover')).toHaveLength(1);
    expect((await h.store.get(id, Date.now()))?.status).toBe('failed');
    expect(sms.sent).toEqual([]);
    expect(email.sent).toEqual([]);
    await nothingQueued(h, id);
    expect(
      await metric(h, 'sendcode_send_attempts_total', {
        channel: 'email',
        provider: 'none',
        result: 'permanent_error',
      }),
    ).toBe(1);
    expect(h.logs.find((line) => line.includes('"render_failed"'))).toContain('brand cannot be used');
    expect((await diagnosisOf(h, id)).code).toBe('message_unrenderable');
  });
});

describe('the retry budget of a step', () => {
  /** Retries of 20 ms doubling, up to 6 attempts; a step with somewhere to go retries for 100 ms. */
  const budget: HarnessConfig = { retry: { attempts: 6, backoffMs: 20 }, stepRetryMs: 100 };

  it('a step with a next one moves on once a retry could start past its budget', async () => {
    const down = rejecting('sms', 'twilio', new Error('503 Service Unavailable'));
    const voice = accepting('voice', 'vonage');
    const h = startHarness({ ...none, sms: [down.adapter], voice: [voice.adapter] }, undefined, budget);
    const id = await h.create([
      { channel: 'sms', to: PHONE },
      { channel: 'voice', to: PHONE },
    ]);
    await h.enqueue(id, 'sms');

    const timeline = await settled(h, id, (t) => sentAt(1)(t) || failedFinal(t));
    expect(timeline.find((e) => e.type === 'failover')).toMatchObject({
      step: 1,
      detail: { reason: 'retries_exhausted', fromChannel: 'sms' },
    });
    // Counted from when the send was queued: retries 2 and 3 start by 20 and 60 ms at the latest, a
    // fourth could start 80 ms after the third, past 100 ms. So three attempts at most (fewer on a
    // busy machine, where the first starts late), never the six the job may have.
    expect(down.calls()).toBeGreaterThanOrEqual(1);
    expect(down.calls()).toBeLessThanOrEqual(3);
    expect(voice.sent).toHaveLength(1);
    await nothingQueued(h, id);
  });

  it('the last step retries past the budget, within the lifetime, until its attempts are spent', async () => {
    const down = rejecting('sms', 'twilio', new Error('503 Service Unavailable'));
    const h = startHarness({ ...none, sms: [down.adapter] }, undefined, budget);
    const id = await h.create([{ channel: 'sms', to: PHONE }]);
    await h.enqueue(id, 'sms');

    const timeline = await settled(h, id, failedFinal);
    expect(down.calls()).toBe(6);
    expect(timeline.find((e) => e.type === 'delivery_failed')).toMatchObject({
      detail: { reason: 'retries_exhausted', why: 'plan_exhausted' },
    });
  });

  it('a next step on a channel without providers is no next step: the budget does not apply', async () => {
    const down = rejecting('sms', 'twilio', new Error('503 Service Unavailable'));
    const h = startHarness({ ...none, sms: [down.adapter] }, undefined, budget);
    const id = await h.create([
      { channel: 'sms', to: PHONE },
      { channel: 'voice', to: PHONE },
    ]);
    await h.enqueue(id, 'sms');

    await settled(h, id, failedFinal);
    expect(down.calls()).toBe(6);
  });
});
