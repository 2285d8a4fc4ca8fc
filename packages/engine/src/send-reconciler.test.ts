import { type Channel, DeliveryError, type SendResult } from '@sendcode/channels';
import {
  type ChannelName,
  createKeyRing,
  DEFAULT_SETTINGS,
  maskDestination,
  type PlanStep,
  type ProviderName,
} from '@sendcode/policy';
import { createLogger } from '@sendcode/runtime';
import {
  createAdmission,
  createDeliveryQueues,
  createDurability,
  createProviderHealth,
  createReceiptDue,
  createSendWatch,
  createVerificationStore,
  type DeliveryJob,
  type DeliveryQueues,
  type DeliveryView,
  type SendRecord,
  type SendWatch,
  type TimelineEvent,
  writeTogether,
} from '@sendcode/store';
import { eventually, testRedis, uniquePrefix } from '@sendcode/testing';
import type { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type EngineConfig, providerHealthConfig } from './config.ts';
import type { ChannelSet, SenderDeps } from './deps.ts';
import { createEngineMetrics } from './metrics.ts';
import { startReceiptSweeper } from './receipt-sweeper.ts';
import { createReceiptTimeoutProcessor } from './receipt-timeout.ts';
import { resend } from './resend.ts';
import { createSendReconciler, startSendReconciler, watchAction, watchSend } from './send-reconciler.ts';
import { engineFixture, nextVerificationId } from './test-fixture.ts';

/**
 * The reconciler on real Redis and real BullMQ workers. The parts that fail are injected around the
 * real ones — a queue whose first add is refused, a send watch whose first `accepted` is — and
 * everything else is wired as the workers app wires it.
 */

const PHONE = '+819012345678';
/** Short, so the suite is quick: the reconciler looks at a send 400 ms after it was recorded. */
const AFTER_MS = 400;

const logger = createLogger('test', 'silent');
let redis: Redis;
beforeAll(() => {
  redis = testRedis();
});
afterAll(async () => {
  await redis.quit();
});

function accepting<C extends ChannelName>(channel: C, provider: ProviderName) {
  const sent: string[] = [];
  const adapter: Channel<C> = {
    channel,
    provider,
    async send(delivery): Promise<SendResult> {
      sent.push(delivery.to);
      return { providerMessageId: `${provider}-${sent.length}` };
    },
    async close() {},
  };
  return { adapter, sent };
}

/** An adapter that refuses every destination for good (an invalid number): the plan moves on at once. */
function refusing<C extends ChannelName>(channel: C, provider: ProviderName): Channel<C> {
  return {
    channel,
    provider,
    send: () =>
      Promise.reject(new DeliveryError('permanent', provider, 'invalid number', { providerCode: 21211 })),
    async close() {},
  };
}

/** A queue whose first add (of the process it is given to) fails, as when Redis drops the connection. */
function failingFirstAdd(queues: DeliveryQueues) {
  const refused: DeliveryJob[] = [];
  const wrapped: DeliveryQueues = {
    ...queues,
    async add(channel, job) {
      if (refused.length === 0) {
        refused.push(job);
        throw new Error('Connection is closed.');
      }
      return queues.add(channel, job);
    },
  };
  return { queues: wrapped, refused };
}

/** A send watch whose first `accepted` fails: the send is accepted, its receipt timeout not written. */
function failingFirstAccepted(watch: SendWatch) {
  let failures = 0;
  const wrapped: SendWatch = {
    ...watch,
    async accepted(job, dueAtMs) {
      if (failures === 0) {
        failures += 1;
        throw new Error('Connection is closed.');
      }
      return watch.accepted(job, dueAtMs);
    },
  };
  return { watch: wrapped, failures: () => failures };
}

interface Rig {
  readonly deps: SenderDeps;
  readonly registry: Registry;
  /** What the gateway does for a start: the first send watched, the verification stored, its job queued. */
  start(plan: readonly PlanStep[]): Promise<string>;
  timeline(id: string): Promise<TimelineEvent[]>;
  reconciled(kind: 'job' | 'receipt_due'): Promise<number>;
  close(): Promise<void>;
}

const rigs: Rig[] = [];
afterEach(async () => {
  await Promise.all(rigs.splice(0).map((rig) => rig.close()));
});

/** The workers (delivery, receipt sweeper, reconciler) over `channels`; `wrap` injects the failing parts. */
function startRig(
  channels: ChannelSet,
  wrap: { queues?: (q: DeliveryQueues) => DeliveryQueues; watch?: (w: SendWatch) => SendWatch } = {},
  config: Partial<EngineConfig> = {},
): Rig {
  const fixture = engineFixture(redis, {
    prefix: uniquePrefix('reconcile'),
    channels,
    ring: createKeyRing('workers-secret'),
    logger,
    config: { resendCooldownMs: 0, reconcileAfterMs: AFTER_MS, ...config },
    wrap: (stores) => ({
      ...(wrap.queues ? { queues: wrap.queues(stores.queues) } : {}),
      ...(wrap.watch ? { watch: wrap.watch(stores.watch) } : {}),
    }),
  });
  const { deps, registry } = fixture;
  // The gateway's own queues: only the workers' are given the failing part.
  const raw = fixture.stores.queues;
  fixture.startWorkers();
  const sweeper = startReceiptSweeper({
    due: deps.receiptDue,
    run: createReceiptTimeoutProcessor(deps),
    logger,
    now: Date.now,
    intervalMs: 50,
  });
  const reconciler = startSendReconciler({ deps, intervalMs: 50 });
  const rig: Rig = {
    deps,
    registry,
    async start(plan) {
      const first = plan[0] as PlanStep;
      const id = nextVerificationId();
      await watchSend(deps, { verificationId: id, step: 0, send: 1 });
      await fixture.create(plan, { id });
      await raw.add(first.channel, { verificationId: id, step: 0, send: 1 });
      return id;
    },
    timeline: (id) => deps.store.timeline(id),
    async reconciled(kind) {
      const values = (await registry.getSingleMetric('sendcode_sends_reconciled_total')?.get())?.values;
      return values?.find((v) => v.labels.kind === kind)?.value ?? 0;
    },
    async close() {
      await Promise.all([sweeper.stop(), reconciler.stop()]);
      await fixture.close();
    },
  };
  rigs.push(rig);
  return rig;
}

const sentAt = (step: number) => (timeline: TimelineEvent[]) =>
  timeline.some((e) => e.type === 'sent' && e.step === step);

describe('a send recorded without a job', () => {
  it('a failover whose add fails: the reconciler queues the send, which goes out within seconds, counted once', async () => {
    const voice = accepting('voice', 'twilio');
    let injected: ReturnType<typeof failingFirstAdd> | undefined;
    const rig = startRig(
      { email: [], sms: [refusing('sms', 'twilio')], voice: [voice.adapter] },
      {
        queues: (q) => {
          injected = failingFirstAdd(q);
          return injected.queues;
        },
      },
    );
    const id = await rig.start([
      { channel: 'sms', to: PHONE },
      { channel: 'voice', to: PHONE },
    ]);

    const timeline = await eventually(() => rig.timeline(id), sentAt(1), 10_000);
    // The failover recorded send 2 and its add was refused: no job, until the reconciler queued it.
    expect(injected?.refused).toEqual([{ verificationId: id, step: 1, send: 2 }]);
    const failover = timeline.find((e) => e.type === 'failover');
    const sent = timeline.find((e) => e.type === 'sent');
    expect(failover).toMatchObject({ step: 1, detail: { reason: 'permanent_error', send: 2 } });
    expect(sent).toMatchObject({ step: 1, channel: 'voice', detail: { send: 2 } });
    const seconds = (Number(sent?.at) - Number(failover?.at)) / 1000;
    console.info(`reconciler: the stranded send went out ${seconds.toFixed(2)} s after it was recorded`);
    expect(seconds).toBeLessThan(3);
    expect(await rig.reconciled('job')).toBe(1);
    expect(voice.sent).toEqual([PHONE]);
    // Seen through: nothing left on the watch, and it is not queued twice.
    await eventually(
      () => rig.deps.watch.size(),
      (size) => size === 0,
      5_000,
    );
    await new Promise((resolve) => setTimeout(resolve, AFTER_MS * 2));
    expect(voice.sent).toEqual([PHONE]);
    expect(await rig.reconciled('job')).toBe(1);
  });

  it('a resend whose add fails: the caller hears of the error, and the send still goes out', async () => {
    const sms = accepting('sms', 'vonage');
    const voice = accepting('voice', 'vonage');
    let injected: ReturnType<typeof failingFirstAdd> | undefined;
    const rig = startRig(
      { email: [], sms: [sms.adapter], voice: [voice.adapter] },
      {
        queues: (q) => {
          injected = failingFirstAdd(q);
          return injected.queues;
        },
      },
    );
    const id = await rig.start([
      { channel: 'sms', to: PHONE },
      { channel: 'voice', to: PHONE },
    ]);
    await eventually(() => rig.timeline(id), sentAt(0));
    const record = await rig.deps.store.get(id, Date.now());
    if (!record) throw new Error('verification is gone');

    // The gateway's resend, with the workers' failing queue (its first add is this one).
    await expect(resend(rig.deps, record, 'voice')).rejects.toThrow('Connection is closed.');
    expect(injected?.refused).toEqual([{ verificationId: id, step: 1, send: 2 }]);
    await eventually(() => rig.timeline(id), sentAt(1), 5_000);
    expect(voice.sent).toEqual([PHONE]);
    expect(await rig.reconciled('job')).toBe(1);
  });

  it('healthy sends are never reconciled, and leave the watch once accepted', async () => {
    const email = accepting('email', 'smtp');
    const sms = accepting('sms', 'twilio');
    const rig = startRig({ email: [email.adapter], sms: [sms.adapter], voice: [] });
    const ids = await Promise.all([
      rig.start([{ channel: 'sms', to: PHONE }]),
      rig.start([{ channel: 'email', to: 'taro@example.com' }]),
    ]);
    for (const id of ids) await eventually(() => rig.timeline(id), sentAt(0));
    expect(await rig.deps.watch.size()).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, AFTER_MS * 2));
    expect(await rig.reconciled('job')).toBe(0);
    expect(await rig.reconciled('receipt_due')).toBe(0);
  });
});

describe('an accepted send without its receipt timeout', () => {
  it('still times out: the reconciler schedules it, and the plan moves on for no receipt', async () => {
    const sms = accepting('sms', 'twilio');
    const voice = accepting('voice', 'twilio');
    let injected: ReturnType<typeof failingFirstAccepted> | undefined;
    const rig = startRig(
      { email: [], sms: [sms.adapter], voice: [voice.adapter] },
      {
        watch: (w) => {
          injected = failingFirstAccepted(w);
          return injected.watch;
        },
      },
      // Receipts are asked for; none ever comes from these adapters.
      { publicUrl: 'https://sendcode.example', receiptTimeoutMs: { sms: 1_000, voice: 90_000 } },
    );
    const id = await rig.start([
      { channel: 'sms', to: PHONE },
      { channel: 'voice', to: PHONE },
    ]);

    const timeline = await eventually(() => rig.timeline(id), sentAt(1), 10_000);
    expect(injected?.failures()).toBe(1);
    expect(timeline.find((e) => e.type === 'failover')).toMatchObject({
      step: 1,
      channel: 'voice',
      detail: { reason: 'no_receipt', fromChannel: 'sms' },
    });
    // The SMS went out once: the job that failed on its timeout ran again and found it accepted.
    expect(sms.sent).toEqual([PHONE]);
    expect(voice.sent).toEqual([PHONE]);
    expect(await rig.reconciled('receipt_due')).toBe(1);
    // It came due when it would have: a second after the SMS was accepted (plus the sweeps).
    const sent = timeline.filter((e) => e.type === 'sent');
    const gap = Number(sent[1]?.at) - Number(sent[0]?.at);
    expect(gap).toBeGreaterThanOrEqual(1_000);
    expect(gap).toBeLessThan(3_000);
  });
});

/** The reconciler's dependencies on real Redis with a clock the test moves, for calling it by hand. */
function handDeps(prefix: string, clock: { now: number }) {
  const registry = new Registry();
  const queues = createDeliveryQueues(redis, prefix);
  const deps = {
    store: createVerificationStore({ redis, prefix }),
    queues,
    durable: createDurability({ redis, prefix, queues }),
    watch: createSendWatch({ redis, prefix }),
    receiptDue: createReceiptDue({ redis, prefix }),
    together: <T>(send: () => T): T => writeTogether(redis, send),
    config: {
      maxSends: 5,
      resendCooldownMs: 0,
      receiptTimeoutMs: { sms: 60_000, voice: 90_000 },
      publicUrl: undefined,
      retry: { attempts: 3, backoffMs: 20 },
      stepRetryMs: 15_000,
      reconcileAfterMs: 5_000,
      settings: DEFAULT_SETTINGS,
    },
    ring: createKeyRing('workers-secret'),
    admission: createAdmission({ redis, prefix }),
    health: createProviderHealth({ redis, prefix, ...providerHealthConfig(DEFAULT_SETTINGS) }),
    metrics: createEngineMetrics(registry),
    logger,
    now: () => clock.now,
  };
  const reconciled = async () =>
    (await registry.getSingleMetric('sendcode_sends_reconciled_total')?.get())?.values.find(
      (v) => v.labels.kind === 'job',
    )?.value;
  return { deps, reconcile: createSendReconciler(deps), reconciled };
}

/** What the gateway stores of a one-step SMS start before queuing its job. */
async function storeSmsStart(
  deps: ReturnType<typeof handDeps>['deps'],
  id: string,
  now: number,
  extra: { lookupHash?: string } = {},
) {
  await watchSend(deps, { verificationId: id, step: 0, send: 1 });
  await deps.store.create(
    {
      id,
      client: 'acme',
      planMasked: [{ channel: 'sms', to: maskDestination(PHONE) }],
      sealedPlan: 'v2.sealed',
      sealedCode: 'v2.sealed',
      codeHash: 'hash',
      keyId: 'k1',
      codeLength: 6,
      locale: 'en',
      brand: 'Contoso',
      purpose: 'sign_in',
      accountRef: undefined,
      ttlSeconds: 600,
      createdAt: now,
      expiresAt: now + 600_000,
      maxAttempts: 5,
      channel: 'sms',
      ...extra,
    },
    now,
  );
}

describe('the reconciler on a queue no worker takes from', () => {
  it('leaves a send whose job waits alone, queues it once its job is gone, and drops what was never recorded', async () => {
    const prefix = uniquePrefix('reconcile');
    const clock = { now: Date.now() };
    const { deps, reconcile, reconciled } = handDeps(prefix, clock);
    const { queues, watch } = deps;
    try {
      const id = 'ver_0000000000000000000000000000aaaa';
      const job = { verificationId: id, step: 0, send: 1 };
      await storeSmsStart(deps, id, clock.now);
      await queues.add('sms', job);

      // A backlog: 30 s later the job still waits. Nothing is added; it is looked at again later.
      clock.now += 30_000;
      await reconcile(job);
      expect(await reconciled()).toBe(0);
      expect(await queues.queue('sms').getJobCounts('wait')).toEqual({ wait: 1 });
      expect(Number(await redis.zscore(`{${prefix}:rd}:sw`, `${id}-0-1`))).toBe(clock.now + 30_000);

      // The job is gone (say, removed by hand) while the send is still queued: it is queued again.
      await queues.queue('sms').obliterate({ force: true });
      await reconcile(job);
      expect(await reconciled()).toBe(1);
      expect(await queues.has('sms', job)).toBe(true);

      // A send watched ahead of an advance that never happened names no send: dropped, nothing queued.
      const never = { verificationId: id, step: 0, send: 2 };
      await watch.watch(never, clock.now);
      await reconcile(never);
      expect(await redis.zscore(`{${prefix}:rd}:sw`, `${id}-0-2`)).toBeNull();
      expect(await reconciled()).toBe(1);
    } finally {
      await Promise.all(queues.all().map((queue) => queue.obliterate({ force: true })));
      await queues.close();
    }
  });
});

describe('a first send whose start never finished (its gateway lost Redis after the create)', () => {
  const claim = (deps: ReturnType<typeof handDeps>['deps'], id: string, now: number) =>
    deps.admission.admit({
      client: 'acme',
      rules: [],
      pending: { lookupHash: 'h-dest', purpose: 'sign_in', id, ttlMs: 10_000 },
      nowMs: now,
    });
  const pending = (prefix: string) => `${prefix}:pending:{acme}:h-dest:sign_in`;

  it('goes out while the pending index still names it, confirmed there for its lifetime', async () => {
    const prefix = uniquePrefix('reconcile');
    const clock = { now: Date.now() };
    const { deps, reconcile, reconciled } = handDeps(prefix, clock);
    try {
      const id = 'ver_0000000000000000000000000000bbbb';
      await claim(deps, id, clock.now);
      await storeSmsStart(deps, id, clock.now, { lookupHash: 'h-dest' });
      clock.now += 6_000;
      await reconcile({ verificationId: id, step: 0, send: 1 });
      expect(await reconciled()).toBe(1);
      expect(await deps.queues.has('sms', { verificationId: id, step: 0, send: 1 })).toBe(true);
      // A retry of the start now resumes it, rather than finding the destination free.
      expect(await redis.pttl(pending(prefix))).toBeGreaterThan(500_000);
    } finally {
      await Promise.all(deps.queues.all().map((queue) => queue.obliterate({ force: true })));
      await deps.queues.close();
    }
  });

  it('is not sent once its claim lapsed: a retry may have started another, whose code is the one to send', async () => {
    const prefix = uniquePrefix('reconcile');
    const clock = { now: Date.now() };
    const { deps, reconcile, reconciled } = handDeps(prefix, clock);
    try {
      const id = 'ver_0000000000000000000000000000cccc';
      await claim(deps, id, clock.now);
      await storeSmsStart(deps, id, clock.now, { lookupHash: 'h-dest' });
      // Redis was away for longer than the claim: it lapsed, and the client's retry took the destination.
      await redis.del(pending(prefix));
      const retry = 'ver_0000000000000000000000000000dddd';
      expect(await claim(deps, retry, clock.now + 12_000)).toEqual({ result: 'admitted' });
      clock.now += 12_000;
      await reconcile({ verificationId: id, step: 0, send: 1 });
      expect(await reconciled()).toBe(0);
      expect(await deps.queues.has('sms', { verificationId: id, step: 0, send: 1 })).toBe(false);
      expect(await deps.store.get(id, clock.now)).toBeNull();
      expect(await redis.get(pending(prefix))).toBe(retry);
      expect(await deps.watch.size()).toBe(0);
    } finally {
      await deps.queues.close();
    }
  });
});

describe('watchAction', () => {
  const T = 1_000_000;
  const config = {
    reconcileAfterMs: 5_000,
    publicUrl: 'https://sendcode.example',
    receiptTimeoutMs: { sms: 60_000, voice: 90_000 },
    settings: DEFAULT_SETTINGS,
  };
  const job = { verificationId: 'ver_x', step: 1, send: 2 };
  const viewOf = (
    send: Partial<SendRecord> | null,
    record: { status?: 'pending' | 'approved'; sends?: number; plan?: PlanStep[] } = {},
  ) =>
    ({
      record: {
        status: record.status ?? 'pending',
        sends: record.sends ?? 2,
        planMasked: record.plan ?? [
          { channel: 'email', to: 'ta***@example.com' },
          { channel: 'sms', to: '+81 90-****-5678' },
        ],
      },
      send: send && { send: 2, step: 1, channel: 'sms', status: 'queued', queuedAt: T, ...send },
      sealedPlan: undefined,
    }) as unknown as DeliveryView;

  it.each<[string, DeliveryView | null, number, ReturnType<typeof watchAction>]>([
    ['gone', null, T, { do: 'drop' }],
    ['final', viewOf({}, { status: 'approved' }), T + 9_000, { do: 'drop' }],
    ['superseded by a later send', viewOf({}, { sends: 3 }), T + 9_000, { do: 'drop' }],
    ['never recorded (write ahead of an advance that failed)', viewOf(null, { sends: 2 }), T, { do: 'drop' }],
    ['another step under that number', viewOf({ step: 0 }), T + 9_000, { do: 'drop' }],
    ['queued, still in its grace', viewOf({}), T + 1_000, { do: 'recheck', at: T + 5_000 }],
    ['queued past its grace', viewOf({}), T + 5_000, { do: 'job', channel: 'sms', recheckAt: T + 10_000 }],
    [
      'queued long: looked at less often',
      viewOf({}),
      T + 40_000,
      { do: 'job', channel: 'sms', recheckAt: T + 80_000 },
    ],
    [
      'queued very long: at most every minute',
      viewOf({}),
      T + 500_000,
      { do: 'job', channel: 'sms', recheckAt: T + 560_000 },
    ],
    [
      'accepted a moment ago',
      viewOf({ status: 'accepted', acceptedAt: T + 1_000 }),
      T + 2_000,
      { do: 'recheck', at: T + 6_000 },
    ],
    [
      'accepted SMS: its receipt timeout',
      viewOf({ status: 'accepted', acceptedAt: T }),
      T + 6_000,
      { do: 'receipt_due', dueAt: T + 60_000 },
    ],
    ['delivered', viewOf({ status: 'delivered', acceptedAt: T }), T + 6_000, { do: 'drop' }],
    ['failed', viewOf({ status: 'failed' }), T + 6_000, { do: 'drop' }],
  ])('%s', (_name, view, now, expected) => {
    expect(watchAction(view, job, now, config)).toEqual(expected);
  });

  it('an accepted SMS waits for no receipt when none were asked for (no PUBLIC_URL)', () => {
    const view = viewOf({ status: 'accepted', acceptedAt: T });
    expect(watchAction(view, job, T + 6_000, { ...config, publicUrl: undefined })).toEqual({ do: 'drop' });
  });

  it('accepted carrier mail with a next step gets its short wait; other email none', () => {
    const carrier = viewOf(
      { channel: 'email', status: 'accepted', acceptedAt: T, step: 0 },
      {
        plan: [
          { channel: 'email', to: 'ta***@docomo.ne.jp' },
          { channel: 'sms', to: '+81 90-****-5678' },
        ],
      },
    );
    const first = { ...job, step: 0 };
    const seconds = DEFAULT_SETTINGS.carrierMail.failoverSeconds;
    expect(watchAction(carrier, first, T + 6_000, config)).toEqual({
      do: 'receipt_due',
      dueAt: T + seconds * 1000,
    });
    const plain = viewOf({ channel: 'email', status: 'accepted', acceptedAt: T, step: 0 });
    expect(watchAction(plain, first, T + 6_000, config)).toEqual({ do: 'drop' });
  });
});
