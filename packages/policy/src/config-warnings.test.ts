import { describe, expect, it } from 'vitest';
import {
  CONFIG_WARNINGS,
  configWarnings,
  type ProviderAccount,
  SANDBOX_ACCOUNTS,
  TOLL_FRAUD_MESSAGE,
} from './config-warnings.ts';
import { DEFAULT_SETTINGS, parseSettings } from './settings/parse.ts';
import type { SettingsInput } from './settings/types.ts';

const TWILIO = 'AC0123456789abcdef0123456789abcdef';
const both = (provider: ProviderAccount['provider'], account: string): ProviderAccount[] => [
  { provider, channel: 'sms', account },
  { provider, channel: 'voice', account },
];
const real = [...both('twilio', TWILIO), ...both('vonage', 'a1b2c3d4')];
const sandbox = [...both('twilio', SANDBOX_ACCOUNTS.twilio), ...both('vonage', SANDBOX_ACCOUNTS.vonage)];
const warn = (input: SettingsInput, accounts: readonly ProviderAccount[] = real) =>
  configWarnings(parseSettings(input), accounts);

describe('configWarnings: toll_fraud_exposure', () => {
  it('holds out of the box with real providers: every country, no cap', () => {
    expect(configWarnings(DEFAULT_SETTINGS, real)).toEqual([
      {
        warning: 'toll_fraud_exposure',
        message: TOLL_FRAUD_MESSAGE,
        channels: ['sms', 'voice'],
        defaults: true,
        clients: [],
      },
    ]);
    expect(TOLL_FRAUD_MESSAGE).toBe(
      'SMS and voice can be sent to any country with no daily spend cap: set allowedCountries or dailySpendCap (SMS pumping)',
    );
    expect(CONFIG_WARNINGS).toEqual(['toll_fraud_exposure']);
  });

  it('holds with one real account among sandbox ones, for the channels it serves', () => {
    expect(
      configWarnings(DEFAULT_SETTINGS, [...sandbox, { provider: 'vonage', channel: 'voice', account: 'k' }]),
    ).toMatchObject([{ channels: ['voice'] }]);
  });

  it('does not hold with no paid provider, or only the sandbox accounts', () => {
    expect(configWarnings(DEFAULT_SETTINGS, [])).toEqual([]);
    expect(configWarnings(DEFAULT_SETTINGS, sandbox)).toEqual([]);
  });

  it('is cleared by a deployment-wide country list or cap (an empty list and a 0 cap count)', () => {
    expect(warn({ fraud: { allowedCountries: ['JP', 'US'] } })).toEqual([]);
    expect(warn({ fraud: { allowedCountries: [] } })).toEqual([]);
    expect(warn({ dailySpendCap: 100 })).toEqual([]);
    expect(warn({ dailySpendCap: 0 })).toEqual([]);
  });

  it('looks at each channel: a list for SMS alone leaves voice open', () => {
    expect(warn({ fraud: { allowedCountries: { sms: ['JP'] } } })).toMatchObject([
      { channels: ['voice'], defaults: true },
    ]);
    // ...unless no real provider serves voice.
    expect(
      warn({ fraud: { allowedCountries: { sms: ['JP'] } } }, both('twilio', TWILIO).slice(0, 1)),
    ).toEqual([]);
  });

  it('holds when any client reopens what the defaults close, and names it', () => {
    const found = warn({
      fraud: { allowedCountries: ['JP'] },
      clients: {
        acme: { dailySpendCap: 50 },
        globex: { allowedCountries: null },
        initech: { allowedCountries: { voice: null }, dailySpendCap: 20 },
        umbrella: { allowedCountries: { voice: null } },
      },
    });
    expect(found).toMatchObject([
      { channels: ['sms', 'voice'], defaults: false, clients: ['globex', 'umbrella'] },
    ]);
  });

  it('holds when the defaults are open even though every listed client is capped', () => {
    expect(
      warn({ clients: { acme: { dailySpendCap: 50 }, globex: { allowedCountries: ['JP'] } } }),
    ).toMatchObject([{ defaults: true, clients: [] }]);
  });

  it('a client lifting the default cap with null is open again', () => {
    expect(warn({ dailySpendCap: 100, clients: { acme: { dailySpendCap: null } } })).toMatchObject([
      { channels: ['sms', 'voice'], defaults: false, clients: ['acme'] },
    ]);
  });
});
