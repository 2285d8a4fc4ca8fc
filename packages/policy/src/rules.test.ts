import { describe, expect, it } from 'vitest';
import { applyDestinationRules, emailFailoverMs } from './rules.ts';
import { DEFAULT_SETTINGS, parseSettings } from './settings/parse.ts';
import type { EmailDestination, PhoneDestination, PlanStep } from './types.ts';

const mobile: PhoneDestination = {
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
const us: PhoneDestination = {
  kind: 'phone',
  address: '+12025550123',
  country: 'US',
  countryCallingCode: '1',
  type: 'fixed_line_or_mobile',
};
const carrier: EmailDestination = { kind: 'email', address: 'taro@docomo.ne.jp', domain: 'docomo.ne.jp' };
const plain: EmailDestination = { kind: 'email', address: 'taro@example.com', domain: 'example.com' };
// Japan is only an example of a country without SMS here.
const noSmsInJapan = parseSettings({ routing: { countries: { JP: { sms: 'voice' } } } });

const step = (channel: PlanStep['channel'], to: { address: string }): PlanStep => ({
  channel,
  to: to.address,
});

describe('applyDestinationRules', () => {
  it('leaves a plan with nothing to apply alone', () => {
    const plan = [step('sms', mobile), step('email', plain), step('sms', us)];
    expect(applyDestinationRules(plan, [mobile, plain, us], DEFAULT_SETTINGS)).toEqual({
      plan,
      warnings: [],
    });
  });

  it('calls a landline instead of texting it, but texts fixed_line_or_mobile', () => {
    expect(applyDestinationRules([step('sms', landline)], [landline], DEFAULT_SETTINGS)).toEqual({
      plan: [step('voice', landline)],
      warnings: ['fixed_line_voice'],
    });
  });

  it('calls where the routing rules say SMS is not offered', () => {
    expect(applyDestinationRules([step('sms', mobile), step('sms', us)], [mobile, us], noSmsInJapan)).toEqual(
      {
        plan: [step('voice', mobile), step('sms', us)],
        warnings: ['sms_not_offered'],
      },
    );
  });

  it('drops a step the rewrite duplicated, keeping the first', () => {
    const plan = [step('sms', landline), step('email', carrier), step('voice', landline)];
    expect(applyDestinationRules(plan, [landline, carrier, landline], DEFAULT_SETTINGS)).toEqual({
      plan: [step('voice', landline), step('email', carrier)],
      warnings: ['fixed_line_voice', 'carrier_mail_domain'],
    });
  });

  it('warns about carrier mail once and keeps the step', () => {
    const other: EmailDestination = { kind: 'email', address: 'jiro@ezweb.ne.jp', domain: 'ezweb.ne.jp' };
    const plan = [step('email', carrier), step('email', other)];
    expect(applyDestinationRules(plan, [carrier, other], DEFAULT_SETTINGS)).toEqual({
      plan,
      warnings: ['carrier_mail_domain'],
    });
  });

  it('matches destinations by address when they are not parallel to the plan', () => {
    const plan = [step('sms', landline), step('voice', mobile)];
    expect(applyDestinationRules(plan, [mobile, landline], DEFAULT_SETTINGS).plan).toEqual([
      step('voice', landline),
      step('voice', mobile),
    ]);
    expect(() => applyDestinationRules(plan, [mobile], DEFAULT_SETTINGS)).toThrow(RangeError);
  });
});

describe('emailFailoverMs', () => {
  it('gives carrier mail the configured wait and everything else none', () => {
    expect(emailFailoverMs(carrier, DEFAULT_SETTINGS)).toBe(45_000);
    expect(
      emailFailoverMs(step('email', carrier), parseSettings({ carrierMail: { failoverSeconds: 20 } })),
    ).toBe(20_000);
    expect(emailFailoverMs(plain, DEFAULT_SETTINGS)).toBeUndefined();
    expect(emailFailoverMs(step('email', plain), DEFAULT_SETTINGS)).toBeUndefined();
    expect(emailFailoverMs(mobile, DEFAULT_SETTINGS)).toBeUndefined();
    expect(emailFailoverMs(step('sms', mobile), DEFAULT_SETTINGS)).toBeUndefined();
  });
});
