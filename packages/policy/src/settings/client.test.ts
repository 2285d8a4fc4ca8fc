import { describe, expect, it } from 'vitest';
import { clientSettings } from './client.ts';
import { DEFAULT_SETTINGS, parseSettings } from './parse.ts';

const settings = parseSettings({
  fraud: { allowedCountries: ['JP', 'US'] },
  dailySpendCap: 100,
  clients: {
    acme: {
      limits: { ip: { limit: 300, windowSeconds: 3600 } },
      allowedCountries: { sms: ['JP'] },
      dailySpendCap: 50,
      templates: { brand: 'Acme', senderName: 'Acme Security' },
    },
    open: { allowedCountries: null, dailySpendCap: null },
    voiceOnly: { allowedCountries: { sms: [], voice: null } },
  },
});

describe('clientSettings', () => {
  it('merges a client’s overrides over the defaults, scope by scope', () => {
    const acme = clientSettings(settings, 'acme');
    expect(acme.name).toBe('acme');
    expect(acme.limits).toEqual({ ...DEFAULT_SETTINGS.limits, ip: { limit: 300, windowSeconds: 3600 } });
    expect(acme.allowedCountries).toEqual({ sms: ['JP'], voice: ['JP', 'US'] });
    expect(acme.dailySpendCap).toBe(50);
    expect(acme.templates).toEqual({ brand: 'Acme', senderName: 'Acme Security' });
  });

  it('lets null widen a list and lift a cap', () => {
    expect(clientSettings(settings, 'open')).toMatchObject({
      allowedCountries: { sms: null, voice: null },
      dailySpendCap: null,
    });
    expect(clientSettings(settings, 'voiceOnly').allowedCountries).toEqual({ sms: [], voice: null });
  });

  it('gives an unknown client the defaults', () => {
    for (const name of ['nobody', 'constructor', '__proto__']) {
      expect(clientSettings(settings, name)).toEqual({
        name,
        limits: DEFAULT_SETTINGS.limits,
        allowedCountries: { sms: ['JP', 'US'], voice: ['JP', 'US'] },
        dailySpendCap: 100,
        templates: {},
      });
    }
  });

  it('allows every country and sets no cap by default', () => {
    expect(clientSettings(DEFAULT_SETTINGS, 'any')).toMatchObject({
      allowedCountries: { sms: null, voice: null },
      dailySpendCap: null,
    });
  });
});
