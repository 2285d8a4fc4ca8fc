import {
  type ChannelName,
  canonicalDestination,
  clientSettings,
  lookupHash,
  type PlanStep,
  parseSettings,
} from '@sendcode/policy';
import { RateLimitError, UnrecoverableError } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { destinationRules } from '../start/limits.ts';
import { scriptedChannel } from '../test-channel.ts';
import { type EngineFixture, type EngineFixtureOptions, fixturePerTest } from '../test-fixture.ts';
import type { StepOutcome } from './outcome.ts';
import { settle } from './settle.ts';
import { outgoing } from './test-send.ts';

/**
 * `settle` on real Redis and real BullMQ jobs, one outcome at a time: what it tells BullMQ (return,
 * or which error it throws) and what it does to the plan (the send failed, the next step queued, the
 * verification failed).
 */

const PHONE = '+819012345678';
const EMAIL = 'taro@example.com';
const SMS: PlanStep = { channel: 'sms', to: PHONE };
const VOICE: PlanStep = { channel: 'voice', to: PHONE };
const MAIL: PlanStep = { channel: 'email', to: EMAIL };

/** Every channel has a provider (never called here), so every step of a plan is one to move on to. */
const channels = {
  email: [scriptedChannel('email', 'smtp', 'accept').adapter],
  sms: [scriptedChannel('sms', 'twilio', 'accept').adapter],
  voice: [scriptedChannel('voice', 'twilio', 'accept').adapter],
};

const fixture = fixturePerTest();
const setup = (options: EngineFixtureOptions = {}) => fixture({ channels, ...options });

/** Creates a verification of `plan` and settles its first send with `outcome`. */
async function settled(fixture: EngineFixture, plan: readonly PlanStep[], outcome: StepOutcome) {
  const id = await fixture.create(plan);
  const out = await outgoing(fixture, id);
  const result = await settle(fixture.deps, out, outcome).then(
    () => 'returned' as const,
    (error: unknown) => error,
  );
  const { store } = fixture.deps;
  return {
    id,
    result,
    record: await store.get(id, Date.now()),
    sends: (await store.sends(id)).map((s) => s.status),
    timeline: await store.timeline(id),
  };
}

const queued = (fixture: EngineFixture, id: string, channel: ChannelName, step: number, send: number) =>
  fixture.deps.queues.has(channel, { verificationId: id, step, send });

describe('settle', () => {
  it('sent: the job is done and nothing changes', async () => {
    const fixture = setup();
    const { result, record, sends } = await settled(fixture, [SMS, MAIL], {
      kind: 'sent',
      provider: 'twilio',
    });
    expect(result).toBe('returned');
    expect(record?.status).toBe('pending');
    expect(sends).toEqual(['queued']);
  });

  it('refused with a next step: the send fails, the next step is queued, and the job is not run again', async () => {
    const fixture = setup();
    const refused = { kind: 'refused', provider: 'twilio', failure: 'permanent' } as const;
    const { id, result, sends, timeline } = await settled(fixture, [SMS, MAIL], refused);

    expect(result).toBeInstanceOf(UnrecoverableError);
    expect((result as Error).message).toBe('twilio sms: permanent');
    expect(sends).toEqual(['failed', 'queued']);
    expect(timeline.find((e) => e.type === 'failover')).toMatchObject({
      step: 1,
      channel: 'email',
      detail: { reason: 'permanent_error', fromStep: 0, fromChannel: 'sms' },
    });
    expect(await queued(fixture, id, 'email', 1, 2)).toBe(true);
  });

  it('refused at the last step: the verification fails, the plan exhausted', async () => {
    const fixture = setup();
    const refused = { kind: 'refused', provider: 'twilio', failure: 'adapter_error' } as const;
    const { result, record, timeline } = await settled(fixture, [SMS], refused);

    expect(result).toBeInstanceOf(UnrecoverableError);
    expect(record?.status).toBe('failed');
    expect(timeline.find((e) => e.type === 'delivery_failed')).toMatchObject({
      detail: { reason: 'permanent_error', why: 'plan_exhausted' },
    });
  });

  it('refused, and the next step’s destination has had its share: the plan moves on past it', async () => {
    const fixture = setup({
      config: {
        settings: parseSettings({ limits: { destination: [{ limit: 1, windowSeconds: 600 }] } }),
      },
    });
    // The start counted its first send against the phone number, as the gateway's start does.
    const { limits } = clientSettings(fixture.deps.config.settings, 'acme');
    const lookup = lookupHash(fixture.deps.ring.current.lookup, canonicalDestination(PHONE));
    const rules = destinationRules(limits, lookup);
    await fixture.deps.admission.chargeSend({
      client: 'acme',
      rules,
      token: 'start',
      ttlMs: 600_000,
      nowMs: Date.now(),
    });
    const refused = { kind: 'refused', provider: 'twilio', failure: 'permanent' } as const;
    const { id, result, sends, timeline } = await settled(fixture, [SMS, VOICE, MAIL], refused);

    expect(result).toBeInstanceOf(UnrecoverableError);
    expect(sends).toEqual(['failed', 'failed', 'queued']);
    expect(timeline.filter((e) => e.type === 'failover').map((e) => e.detail?.reason)).toEqual([
      'permanent_error',
      'destination_limited',
    ]);
    expect(timeline.find((e) => e.type === 'send_failed')).toMatchObject({
      step: 1,
      detail: { error: 'rate_limited', scope: 'destination' },
    });
    expect(await queued(fixture, id, 'voice', 1, 2)).toBe(false);
    expect(await queued(fixture, id, 'email', 2, 3)).toBe(true);
  });

  it('failed with attempts left: a plain error, so BullMQ retries the job with backoff', async () => {
    const fixture = setup();
    const failed = { kind: 'failed', failures: ['retryable', 'blocked'] } as const;
    const { result, record, sends } = await settled(fixture, [SMS, MAIL], failed);

    expect(result).toBeInstanceOf(Error);
    expect(result).not.toBeInstanceOf(UnrecoverableError);
    expect((result as Error).message).toBe('sms: every provider failed (retryable, blocked); retrying');
    expect(record?.status).toBe('pending');
    expect(sends).toEqual(['queued']);
  });

  it('failed with no attempt left: retries exhausted, the plan moves on', async () => {
    const fixture = setup({ config: { retry: { attempts: 1, backoffMs: 20 } } });
    const failed = { kind: 'failed', failures: ['retryable'] } as const;
    const { id, result, sends, timeline } = await settled(fixture, [SMS, MAIL], failed);

    expect(result).toBeInstanceOf(UnrecoverableError);
    expect(sends).toEqual(['failed', 'queued']);
    expect(timeline.find((e) => e.type === 'failover')?.detail).toMatchObject({
      reason: 'retries_exhausted',
    });
    expect(await queued(fixture, id, 'email', 1, 2)).toBe(true);
  });

  it('rate limited: the channel’s queue pauses, without spending an attempt or moving the plan', async () => {
    const fixture = setup();
    const paused: [ChannelName, number][] = [];
    const deps = {
      ...fixture.deps,
      rateLimit: async (channel: ChannelName, ms: number) => void paused.push([channel, ms]),
    };
    const id = await fixture.create([SMS, MAIL]);
    await expect(settle(deps, await outgoing(fixture, id), { kind: 'rate_limited' })).rejects.toBeInstanceOf(
      RateLimitError,
    );
    expect(paused).toEqual([['sms', 1_000]]);
    expect((await fixture.deps.store.sends(id)).map((s) => s.status)).toEqual(['queued']);
  });

  it('every circuit open: not run again when the plan advanced; done when it could not', async () => {
    const fixture = setup();
    const advanced = await settled(fixture, [SMS, MAIL], { kind: 'circuit_open', moved: 'advanced' });
    expect(advanced.result).toBeInstanceOf(UnrecoverableError);
    for (const moved of ['failed', 'superseded'] as const) {
      expect((await settled(fixture, [SMS], { kind: 'circuit_open', moved })).result).toBe('returned');
    }
  });

  it('spend capped: the verification fails for its spend cap, on the timeline with the masked number', async () => {
    const fixture = setup();
    const { result, record, timeline } = await settled(fixture, [SMS, MAIL], { kind: 'spend_capped' });

    expect(result).toBeInstanceOf(UnrecoverableError);
    expect(record?.status).toBe('failed');
    const failed = timeline.find((e) => e.type === 'send_failed');
    expect(failed).toMatchObject({ step: 0, channel: 'sms', detail: { kind: 'spend_cap', attempt: 1 } });
    expect(failed?.to).not.toBe(PHONE);
    expect(timeline.find((e) => e.type === 'delivery_failed')?.detail).toMatchObject({ reason: 'spend_cap' });
  });

  it('unconfigured: the plan moves on as from open circuits, and the job is not run again', async () => {
    const fixture = setup();
    const { id, result, timeline } = await settled(fixture, [SMS, MAIL], { kind: 'unconfigured' });

    expect(result).toBeInstanceOf(UnrecoverableError);
    expect((result as Error).message).toBe('sms: no provider is configured');
    expect(timeline.find((e) => e.type === 'failover')?.detail).toMatchObject({ reason: 'circuit_open' });
    expect(await queued(fixture, id, 'email', 1, 2)).toBe(true);
  });
});
