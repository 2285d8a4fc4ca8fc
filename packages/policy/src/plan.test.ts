import { describe, expect, it } from 'vitest';
import { buildPlan, defaultChannel } from './plan.ts';
import type { EmailDestination, PhoneDestination } from './types.ts';

const phone: PhoneDestination = {
  kind: 'phone',
  address: '+819012345678',
  country: 'JP',
  countryCallingCode: '81',
  type: 'mobile',
};
const landline: PhoneDestination = {
  kind: 'phone',
  address: '+81312345678',
  country: 'JP',
  countryCallingCode: '81',
  type: 'fixed_line',
};
const email: EmailDestination = { kind: 'email', address: 'taro@docomo.ne.jp', domain: 'docomo.ne.jp' };

describe('defaultChannel', () => {
  it('is email for addresses and sms for phones', () => {
    expect(defaultChannel(email)).toBe('email');
    expect(defaultChannel(phone)).toBe('sms');
  });
});

describe('buildPlan', () => {
  it('uses the default channel when none is given', () => {
    expect(buildPlan({ to: email })).toEqual({
      ok: true,
      plan: [{ channel: 'email', to: 'taro@docomo.ne.jp' }],
    });
    expect(buildPlan({ to: phone })).toEqual({ ok: true, plan: [{ channel: 'sms', to: '+819012345678' }] });
  });

  it('keeps the primary first and the fallbacks in order', () => {
    const result = buildPlan({
      to: email,
      fallbacks: [{ to: phone }, { to: phone, channel: 'voice' }, { to: landline, channel: 'voice' }],
    });
    expect(result).toEqual({
      ok: true,
      plan: [
        { channel: 'email', to: 'taro@docomo.ne.jp' },
        { channel: 'sms', to: '+819012345678' },
        { channel: 'voice', to: '+819012345678' },
        { channel: 'voice', to: '+81312345678' },
      ],
    });
  });

  it('drops exact duplicates, keeping the first', () => {
    const result = buildPlan({
      to: phone,
      channel: 'sms',
      fallbacks: [{ to: phone }, { to: phone, channel: 'voice' }, { to: phone, channel: 'sms' }],
    });
    expect(result).toEqual({
      ok: true,
      plan: [
        { channel: 'sms', to: '+819012345678' },
        { channel: 'voice', to: '+819012345678' },
      ],
    });
  });

  it('reports the index of the first channel that cannot reach its destination', () => {
    expect(buildPlan({ to: email, channel: 'sms' })).toEqual({
      ok: false,
      reason: 'channel_mismatch',
      index: 0,
    });
    expect(buildPlan({ to: phone, channel: 'email' })).toEqual({
      ok: false,
      reason: 'channel_mismatch',
      index: 0,
    });
    expect(
      buildPlan({
        to: phone,
        fallbacks: [
          { to: phone, channel: 'voice' },
          { to: email, channel: 'voice' },
        ],
      }),
    ).toEqual({ ok: false, reason: 'channel_mismatch', index: 2 });
  });

  it('allows five distinct steps and refuses a sixth', () => {
    const phones = Array.from(
      { length: 5 },
      (_, i): PhoneDestination => ({ ...phone, address: `+8190123456${70 + i}` }),
    );
    const fallbacks = phones.map((to) => ({ to }));
    expect(buildPlan({ to: email, fallbacks: fallbacks.slice(0, 4) })).toMatchObject({ ok: true });
    expect(buildPlan({ to: email, fallbacks })).toEqual({ ok: false, reason: 'too_many_steps' });
    // Duplicates do not count towards the limit.
    expect(buildPlan({ to: email, fallbacks: [...fallbacks.slice(0, 4), { to: email }] })).toMatchObject({
      ok: true,
    });
  });
});
