import { describe, expect, it } from 'vitest';
import { FAILOVER_REASONS, type NextStepInput, nextStep } from './failover.ts';
import type { PlanStep } from './types.ts';

const plan: readonly PlanStep[] = [
  { channel: 'email', to: 'taro@docomo.ne.jp' },
  { channel: 'sms', to: '+819012345678' },
  { channel: 'voice', to: '+819012345678' },
];

const base: NextStepInput = { plan, step: 0, sends: 1, maxSends: 5, now: 1_000, expiresAt: 600_000 };
const noVoice = (s: PlanStep) => s.channel !== 'voice';
const noSms = (s: PlanStep) => s.channel !== 'sms';

describe('nextStep', () => {
  it.each<[string, Partial<NextStepInput>, ReturnType<typeof nextStep>]>([
    ['moves to the next step', {}, { action: 'send', step: 1 }],
    ['moves on from the middle', { step: 1, sends: 2 }, { action: 'send', step: 2 }],
    ['skips a step without a usable provider', { usable: noSms }, { action: 'send', step: 2 }],
    ['gives up after the last step', { step: 2, sends: 3 }, { action: 'fail', reason: 'plan_exhausted' }],
    [
      'gives up when only unusable steps remain',
      { step: 1, usable: noVoice },
      { action: 'fail', reason: 'plan_exhausted' },
    ],
    ['gives up on a one-step plan', { plan: plan.slice(0, 1) }, { action: 'fail', reason: 'plan_exhausted' }],
    ['gives up on a step past the plan', { step: 7 }, { action: 'fail', reason: 'plan_exhausted' }],
    ['stops at the send limit', { sends: 5 }, { action: 'fail', reason: 'send_limit' }],
    ['stops past the send limit', { sends: 6 }, { action: 'fail', reason: 'send_limit' }],
    ['stops at expiry', { now: 600_000 }, { action: 'fail', reason: 'expired' }],
    ['says expired before send_limit', { now: 700_000, sends: 5 }, { action: 'fail', reason: 'expired' }],
    [
      'says send_limit before plan_exhausted',
      { step: 2, sends: 5 },
      { action: 'fail', reason: 'send_limit' },
    ],
  ])('%s', (_name, overrides, expected) => {
    expect(nextStep({ ...base, ...overrides })).toEqual(expected);
  });

  it('asks `usable` only about steps after the failed one', () => {
    const asked: PlanStep[] = [];
    const usable = (s: PlanStep) => {
      asked.push(s);
      return false;
    };
    nextStep({ ...base, usable });
    expect(asked).toEqual(plan.slice(1));
  });

  it('refuses counts that are not non-negative integers', () => {
    expect(() => nextStep({ ...base, step: -1 })).toThrow(RangeError);
    expect(() => nextStep({ ...base, sends: 1.5 })).toThrow(RangeError);
    expect(() => nextStep({ ...base, maxSends: Number.NaN })).toThrow(RangeError);
  });

  it('names the reasons a step is left', () => {
    expect(FAILOVER_REASONS).toEqual([
      'permanent_error',
      'retries_exhausted',
      'circuit_open',
      'undelivered',
      'no_receipt',
      'destination_limited',
    ]);
  });
});
