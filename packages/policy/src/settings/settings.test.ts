import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, parseSettings, SettingsError } from './parse.ts';

const FILE = JSON.parse(readFileSync(new URL('../../settings.default.json', import.meta.url), 'utf8'));

/** The issues of a parse that must fail. */
function issues(json: unknown) {
  try {
    parseSettings(json);
  } catch (error) {
    if (error instanceof SettingsError) return error.issues;
    throw error;
  }
  return expect.unreachable('parseSettings should have thrown');
}

describe('settings.default.json', () => {
  it('is DEFAULT_SETTINGS, and what an empty file means', () => {
    expect(DEFAULT_SETTINGS).toEqual(FILE);
    expect(parseSettings({})).toEqual(DEFAULT_SETTINGS);
    expect(parseSettings({ limits: {}, fraud: {}, costs: {}, routing: {}, carrierMail: {} })).toEqual(
      DEFAULT_SETTINGS,
    );
  });

  it('holds the defaults of DESIGN.md', () => {
    expect(DEFAULT_SETTINGS.limits).toEqual({
      destination: [
        { limit: 5, windowSeconds: 600 },
        { limit: 10, windowSeconds: 86_400 },
      ],
      account: { limit: 10, windowSeconds: 3600 },
      ip: { limit: 30, windowSeconds: 3600 },
      client: { limit: 600, windowSeconds: 60 },
      prefix: { limit: 50, windowSeconds: 3600, digits: 7 },
    });
    expect(DEFAULT_SETTINGS.fraud.allowedCountries).toBeNull();
    expect(DEFAULT_SETTINGS.carrierMail.failoverSeconds).toBe(45);
    expect(DEFAULT_SETTINGS.clients).toEqual({});
  });
});

describe('parseSettings', () => {
  it('fills in what a section leaves out, and takes what it gives as written', () => {
    const settings = parseSettings({
      limits: { ip: { limit: 100, windowSeconds: 60 } },
      costs: { countries: { JP: { sms: 0.05 } } },
    });
    expect(settings.limits.ip).toEqual({ limit: 100, windowSeconds: 60 });
    expect(settings.limits.account).toEqual(DEFAULT_SETTINGS.limits.account);
    expect(settings.costs.countries).toEqual({ JP: { sms: 0.05 } });
    expect(settings.costs.default).toEqual(DEFAULT_SETTINGS.costs.default);
  });

  it('suspends a range for everyone after 3 clients by default, also in a conversion section written without it', () => {
    expect(DEFAULT_SETTINGS.fraud.conversion.clientsToSuspendAll).toBe(3);
    const written = { minSends: 5, threshold: 0.2, windowSeconds: 60, blockSeconds: 2, digits: 9 };
    expect(parseSettings({ fraud: { conversion: written } }).fraud.conversion).toEqual({
      ...written,
      clientsToSuspendAll: 3,
    });
    const none = issues({ fraud: { conversion: { ...written, clientsToSuspendAll: 0 } } });
    expect(none.map((i) => i.path)).toEqual(['fraud.conversion.clientsToSuspendAll']);
  });

  it('does not share default objects between parses', () => {
    const a = parseSettings({});
    const b = parseSettings({});
    expect(a.limits.destination).not.toBe(b.limits.destination);
  });

  it('names the path of every problem', () => {
    const found = issues({
      limits: { ip: { limit: 0, windowSeconds: 60 }, destination: [] },
      fraud: { conversion: { threshold: 2 }, allowedCountries: ['UK'] },
      costs: { default: { sms: -1, voice: 0.1 } },
      routing: { countries: { JP: { sms: 'email' } } },
      clients: { acme: { dailySpendCap: 'lots' } },
      limit: {},
    });
    expect(found.map((i) => i.path)).toEqual(
      expect.arrayContaining([
        'limits.ip.limit',
        'limits.destination',
        'fraud.conversion.threshold',
        'fraud.conversion.minSends',
        'fraud.allowedCountries.0',
        'costs.default.sms',
        'routing.countries.JP.sms',
        'clients.acme.dailySpendCap',
        '',
      ]),
    );
  });

  it('throws a readable message listing the paths', () => {
    expect(() => parseSettings({ limits: { ip: { limit: -1, windowSeconds: 60 } } })).toThrow(
      /^invalid settings:\n {2}limits\.ip\.limit: /,
    );
    expect(() => parseSettings('{}')).toThrow(SettingsError);
    expect(() => parseSettings(null)).toThrow(/\(root\)/);
  });

  it('refuses country codes libphonenumber does not know, e.g. UK for GB', () => {
    expect(issues({ costs: { countries: { UK: { sms: 0.04 } } } })[0]?.path).toBe('costs.countries.UK');
    expect(issues({ fraud: { allowedCountries: { sms: ['jp'] } } })[0]?.path).toMatch(
      /^fraud\.allowedCountries/,
    );
  });

  it('checks client templates with the rules messages are rendered by', () => {
    const ok = parseSettings({
      clients: {
        acme: {
          templates: {
            brand: ' Acme ',
            senderName: 'Acme Security',
            locale: 'ja-JP',
            webOtpOrigin: 'https://acme.example/',
            url: 'https://acme.example/security',
          },
        },
      },
    });
    expect(ok.clients.acme?.templates).toEqual({
      brand: 'Acme',
      senderName: 'Acme Security',
      locale: 'ja-JP',
      webOtpOrigin: 'https://acme.example',
      url: 'https://acme.example/security',
    });
    const bad = issues({
      clients: {
        acme: {
          templates: {
            brand: 'acme.com',
            senderName: 'Acme\nBank',
            locale: 'japanese!',
            webOtpOrigin: 'https://acme.example/login',
            url: 'http://acme.example',
          },
        },
      },
    });
    expect(bad.map((i) => i.path).sort()).toEqual(
      ['brand', 'locale', 'senderName', 'url', 'webOtpOrigin'].map((f) => `clients.acme.templates.${f}`),
    );
  });
});
