import { describe, expect, it } from 'vitest';
import { countryAllowed, numberPrefix, sendCost } from './guards.ts';
import { DEFAULT_SETTINGS } from './settings/parse.ts';

describe('numberPrefix', () => {
  it('takes the first digits after the +', () => {
    expect(numberPrefix('+819012345678', 7)).toBe('8190123');
    expect(numberPrefix('+12025550123', 4)).toBe('1202');
    expect(numberPrefix('+80012345678', 15)).toBe('80012345678');
  });

  it.each([
    ['819012345678', 7],
    ['+81 90 1234 5678', 7],
    ['+0123', 3],
    ['+819012345678', 0],
    ['+819012345678', 16],
    ['+819012345678', 2.5],
  ])('refuses %j with %d digits', (e164, digits) => {
    expect(() => numberPrefix(e164, digits)).toThrow(RangeError);
  });
});

describe('sendCost', () => {
  it('uses the country price, else the default, and email is free', () => {
    expect(sendCost(DEFAULT_SETTINGS, 'JP', 'sms')).toBe(0.07);
    expect(sendCost(DEFAULT_SETTINGS, 'US', 'voice')).toBe(0.014);
    expect(sendCost(DEFAULT_SETTINGS, 'ZW', 'sms')).toBe(0.08);
    expect(sendCost(DEFAULT_SETTINGS, undefined, 'voice')).toBe(0.15);
    expect(sendCost(DEFAULT_SETTINGS, 'JP', 'email')).toBe(0);
  });

  it('falls back per channel when a country lists only one', () => {
    const settings = { costs: { default: { sms: 0.1, voice: 0.2 }, countries: { GB: { sms: 0.04 } } } };
    expect(sendCost(settings, 'GB', 'sms')).toBe(0.04);
    expect(sendCost(settings, 'GB', 'voice')).toBe(0.2);
  });
});

describe('countryAllowed', () => {
  const client = { allowedCountries: { sms: ['JP'], voice: null } };

  it('checks the channel’s list; null allows every country', () => {
    expect(countryAllowed(client, 'sms', 'JP')).toBe(true);
    expect(countryAllowed(client, 'sms', 'US')).toBe(false);
    expect(countryAllowed(client, 'voice', 'US')).toBe(true);
  });

  it('refuses numbers without a country only when there is a list', () => {
    expect(countryAllowed(client, 'sms', undefined)).toBe(false);
    expect(countryAllowed(client, 'voice', undefined)).toBe(true);
  });
});
