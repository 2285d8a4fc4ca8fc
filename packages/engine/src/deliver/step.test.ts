import { type PlanStep, parseSettings } from '@sendcode/policy';
import { spendDay, type TimelineEvent } from '@sendcode/store';
import { describe, expect, it } from 'vitest';
import type { ChannelSet } from '../deps.ts';
import { type Answer, scriptedChannel } from '../test-channel.ts';
import { type EngineFixture, type EngineFixtureOptions, fixturePerTest } from '../test-fixture.ts';
import { attemptStep } from './step.ts';
import { outgoing } from './test-send.ts';

/**
 * `attemptStep` on real Redis, one outcome at a time: what it answers, and what it left in the store
 * (the send, the timeline, the spend, the circuit) for `settle` to act on.
 */

const PHONE = '+819012345678';
const EMAIL = 'taro@example.com';
const SMS: PlanStep = { channel: 'sms', to: PHONE };
const MAIL: PlanStep = { channel: 'email', to: EMAIL };

const fixture = fixturePerTest();
const setup = (channels: Partial<ChannelSet>, options: EngineFixtureOptions = {}) =>
  fixture({ channels: { email: [], sms: [], voice: [], ...channels }, ...options });

/** A fixture whose SMS goes to Twilio, then Vonage, each answering as scripted. */
function smsPair(first: Answer, second: Answer) {
  const twilio = scriptedChannel('sms', 'twilio', first);
  const vonage = scriptedChannel('sms', 'vonage', second);
  return { twilio, vonage, fixture: setup({ sms: [twilio.adapter, vonage.adapter] }) };
}

/** Creates a verification of `plan` and attempts its first send. */
async function attempt(fixture: EngineFixture, plan: readonly PlanStep[]) {
  const id = await fixture.create(plan);
  const outcome = await attemptStep(fixture.deps, await outgoing(fixture, id));
  return { id, outcome, timeline: await fixture.deps.store.timeline(id) };
}

const spent = (fixture: EngineFixture) => fixture.deps.spend.spent('acme', spendDay(Date.now()));
const kinds = (timeline: readonly TimelineEvent[]) =>
  timeline.filter((e) => e.type !== 'created').map((e) => `${e.type}:${e.provider ?? ''}`);

async function failovers(fixture: EngineFixture, reason: string) {
  const values = (await fixture.registry.getSingleMetric('sendcode_failovers_total')?.get())?.values;
  // Every label pair is there from the start, at 0: sum them.
  return (values ?? []).filter((v) => v.labels.reason === reason).reduce((sum, v) => sum + v.value, 0);
}

/** Opens a provider's circuit as five failures in a row would. */
async function openCircuit(fixture: EngineFixture, breaker: 'twilio:sms' | 'vonage:sms') {
  for (let i = 0; i < 5; i += 1) await fixture.deps.circuit.record(breaker, 'failure', Date.now());
}

describe('attemptStep', () => {
  it('sent: the first provider accepts; the send is accepted, charged, and waits for its receipt', async () => {
    const twilio = scriptedChannel('sms', 'twilio', 'accept');
    const vonage = scriptedChannel('sms', 'vonage', 'accept');
    // Receipts are asked for (a public URL), so the send waits for one.
    const publicUrl = 'https://sendcode.example';
    const fixture = setup({ sms: [twilio.adapter, vonage.adapter] }, { config: { publicUrl } });
    const { id, outcome, timeline } = await attempt(fixture, [SMS]);

    expect(outcome).toEqual({ kind: 'sent', provider: 'twilio' });
    expect(twilio.calls[0]?.statusCallbackUrl).toMatch(/^https:\/\/sendcode\.example\//);
    expect(twilio.calls.map((d) => d.to)).toEqual([PHONE]);
    expect(vonage.calls).toEqual([]);
    expect((await fixture.deps.store.sends(id)).map((s) => s.status)).toEqual(['accepted']);
    expect(timeline.find((e) => e.type === 'sent')).toMatchObject({
      provider: 'twilio',
      detail: { providerMessageId: 'twilio-1', attempt: 1 },
      to: '+81 90-****-5678',
    });
    // At the price of the number's country (JP: 0.07 USD, where the default is 0.08), in micros.
    expect(await spent(fixture)).toBe(70_000);
    expect(await fixture.deps.receiptDue.size()).toBe(1);
  });

  it('email is free: sent, and nothing is charged', async () => {
    const smtp = scriptedChannel('email', 'smtp', 'accept');
    const fixture = setup({ email: [smtp.adapter] });
    expect((await attempt(fixture, [MAIL])).outcome).toEqual({ kind: 'sent', provider: 'smtp' });
    expect(await spent(fixture)).toBe(0);
  });

  it('a retryable failure passes the send to the next provider, which sends it', async () => {
    const { fixture } = smsPair('retryable', 'accept');
    const { outcome, timeline } = await attempt(fixture, [SMS]);

    expect(outcome).toEqual({ kind: 'sent', provider: 'vonage' });
    expect(kinds(timeline)).toEqual(['send_failed:twilio', 'sent:vonage']);
    expect(await failovers(fixture, 'provider_error')).toBe(1);
    expect(await spent(fixture)).toBeGreaterThan(0);
  });

  it('refused for good: no other provider is tried, and the spend is given back', async () => {
    const { vonage, fixture } = smsPair('permanent', 'accept');
    const { id, outcome, timeline } = await attempt(fixture, [SMS, MAIL]);

    expect(outcome).toEqual({ kind: 'refused', provider: 'twilio', failure: 'permanent' });
    expect(vonage.calls).toEqual([]);
    expect(timeline.find((e) => e.type === 'send_failed')).toMatchObject({
      detail: { kind: 'permanent', providerCode: '21211', attempt: 1 },
    });
    expect(await spent(fixture)).toBe(0);
    // Moving the plan on is settle's: the send is still the queued one.
    expect((await fixture.deps.store.sends(id)).map((s) => s.status)).toEqual(['queued']);
    // A refused destination says nothing against the provider.
    expect(await fixture.deps.circuit.states(['twilio:sms'])).toEqual({ 'twilio:sms': 'closed' });
  });

  it.each([
    ['resolves without a message id', 'no_id'],
    ['rejects with a string', { reject: 'boom' }],
  ] as const)('an adapter that %s is refused as adapter_error', async (_, answer) => {
    const { vonage, fixture } = smsPair(answer, 'accept');
    const { outcome, timeline } = await attempt(fixture, [SMS]);

    expect(outcome).toEqual({ kind: 'refused', provider: 'twilio', failure: 'adapter_error' });
    expect(vonage.calls).toEqual([]);
    expect(timeline.find((e) => e.type === 'send_failed')?.detail).toMatchObject({ kind: 'adapter_error' });
    expect(await spent(fixture)).toBe(0);
  });

  it('every provider failing in a way a retry may mend: failed, with each failure in call order', async () => {
    const { fixture } = smsPair('retryable', 'blocked');
    const { outcome, timeline } = await attempt(fixture, [SMS]);

    expect(outcome).toEqual({ kind: 'failed', failures: ['retryable', 'blocked'] });
    expect(kinds(timeline)).toEqual(['send_failed:twilio', 'send_failed:vonage']);
    // A failover between providers, none after the last.
    expect(await failovers(fixture, 'provider_error')).toBe(1);
    expect(await spent(fixture)).toBe(0);
  });

  it('every provider answering "slow down": rate_limited; one that answered otherwise makes it a failure', async () => {
    const slow = setup({
      sms: [
        scriptedChannel('sms', 'twilio', 'rate_limited').adapter,
        scriptedChannel('sms', 'vonage', 'rate_limited').adapter,
      ],
    });
    expect((await attempt(slow, [SMS])).outcome).toEqual({ kind: 'rate_limited' });
    expect(await spent(slow)).toBe(0);

    const mixed = setup({
      sms: [
        scriptedChannel('sms', 'twilio', 'rate_limited').adapter,
        scriptedChannel('sms', 'vonage', 'retryable').adapter,
      ],
    });
    expect((await attempt(mixed, [SMS])).outcome).toEqual({
      kind: 'failed',
      failures: ['rate_limited', 'retryable'],
    });
  });

  it('an open circuit is skipped, on the timeline, and the next provider sends', async () => {
    const { twilio, fixture } = smsPair('accept', 'accept');
    await openCircuit(fixture, 'twilio:sms');
    const { outcome, timeline } = await attempt(fixture, [SMS]);

    expect(outcome).toEqual({ kind: 'sent', provider: 'vonage' });
    expect(twilio.calls).toEqual([]);
    expect(kinds(timeline)).toEqual(['circuit_skipped:twilio', 'sent:vonage']);
  });

  it('every circuit open with a next step: the plan moves on without calling anyone', async () => {
    const twilio = scriptedChannel('sms', 'twilio', 'accept');
    const smtp = scriptedChannel('email', 'smtp', 'accept');
    const fixture = setup({ sms: [twilio.adapter], email: [smtp.adapter] });
    await openCircuit(fixture, 'twilio:sms');
    const { id, outcome, timeline } = await attempt(fixture, [SMS, MAIL]);

    expect(outcome).toEqual({ kind: 'circuit_open', moved: 'advanced' });
    expect(twilio.calls).toEqual([]);
    expect(kinds(timeline)).toEqual(['circuit_skipped:twilio', 'failover:']);
    expect(timeline.at(-1)).toMatchObject({ step: 1, channel: 'email', detail: { reason: 'circuit_open' } });
    expect(await fixture.deps.queues.has('email', { verificationId: id, step: 1, send: 2 })).toBe(true);
    expect(await spent(fixture)).toBe(0);
  });

  it('every circuit open and nowhere to go: the providers are called anyway (fail open)', async () => {
    const twilio = scriptedChannel('sms', 'twilio', 'accept');
    const fixture = setup({ sms: [twilio.adapter] });
    await openCircuit(fixture, 'twilio:sms');
    const { outcome, timeline } = await attempt(fixture, [SMS]);

    expect(outcome).toEqual({ kind: 'sent', provider: 'twilio' });
    expect(twilio.calls).toHaveLength(1);
    expect(kinds(timeline)).toEqual(['circuit_skipped:twilio', 'sent:twilio']);
    expect(await spent(fixture)).toBeGreaterThan(0);
  });

  it('the client over its daily spend cap: spend_capped, nothing called, nothing charged', async () => {
    const twilio = scriptedChannel('sms', 'twilio', 'accept');
    const settings = parseSettings({ clients: { acme: { dailySpendCap: 0 } } });
    const fixture = setup({ sms: [twilio.adapter] }, { config: { settings } });
    const { outcome, timeline } = await attempt(fixture, [SMS]);

    expect(outcome).toEqual({ kind: 'spend_capped' });
    expect(twilio.calls).toEqual([]);
    expect(kinds(timeline)).toEqual([]);
    expect(await spent(fixture)).toBe(0);
  });

  it('a channel without providers: unconfigured, and nothing is kept charged', async () => {
    const fixture = setup({});
    const { outcome, timeline } = await attempt(fixture, [SMS]);
    expect(outcome).toEqual({ kind: 'unconfigured' });
    expect(kinds(timeline)).toEqual([]);
    expect(await spent(fixture)).toBe(0);
  });
});
