import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PLAIN_HTTP_REFUSAL, refuseInsecureBaseUrls } from './config.ts';
import { twilioConfigSchema } from './providers/twilio/client.ts';
import { vonageSmsConfigSchema, vonageVoiceConfigSchema } from './providers/vonage/client.ts';

/** The issues refuseInsecureBaseUrls raises for one URL, with `listed` as PROVIDER_PLAIN_HTTP_HOSTS. */
function refusals(url: string, listed: string[] = []): string[] {
  const schema = z.string().superRefine((value, ctx) => refuseInsecureBaseUrls(ctx, { url: value }, listed));
  return schema.safeParse(url).error?.issues.map((issue) => issue.message) ?? [];
}

describe('provider base URLs', () => {
  it.each([
    'https://api.twilio.com',
    'https://10.0.0.5:8443/twilio',
    'http://127.0.0.1:4010',
    'http://127.255.0.9',
    'http://localhost:4010',
    'http://LOCALHOST:4010',
    'http://[::1]:4010',
    'http://[0:0:0:0:0:0:0:1]:4010',
  ])('accepts %s', (url) => {
    expect(refusals(url)).toEqual([]);
  });

  it.each([
    'http://sandbox:4010',
    'http://10.0.0.5:4010',
    'http://128.0.0.1',
    'http://localhost.example.com',
    'http://127.0.0.1.example.com',
    'http://[::2]',
    'http://[fe80::1]',
  ])('refuses %s', (url) => {
    expect(refusals(url)).toEqual([PLAIN_HTTP_REFUSAL]);
  });

  it('accepts plain http to a listed host only, by its exact name', () => {
    expect(refusals('http://sandbox:4010', ['sandbox'])).toEqual([]);
    expect(refusals('http://SANDBOX:4010', ['Sandbox'])).toEqual([]);
    expect(refusals('http://10.0.0.5:4010', ['10.0.0.5'])).toEqual([]);
    expect(refusals('http://sandbox.example.com', ['sandbox'])).toEqual([PLAIN_HTTP_REFUSAL]);
    expect(refusals('http://evil-sandbox:4010', ['sandbox'])).toEqual([PLAIN_HTTP_REFUSAL]);
  });

  it('is what the adapters check their base URLs with, against their own plainHttpHosts', () => {
    const twilio = { accountSid: `AC${'0'.repeat(32)}`, authToken: 't'.repeat(32), from: '+15005550006' };
    const sms = { apiKey: 'key', apiSecret: 'secret', from: 'Sendcode' };
    const voice = { applicationId: 'app', privateKey: 'pem', from: '447400000000' };
    const cases = [
      [twilioConfigSchema, { ...twilio, baseUrl: 'http://sandbox:4010' }, 'baseUrl'],
      [vonageSmsConfigSchema, { ...sms, restHost: 'http://sandbox:4010' }, 'restHost'],
      [vonageVoiceConfigSchema, { ...voice, apiHost: 'http://sandbox:4010' }, 'apiHost'],
    ] as const;
    for (const [schema, config, field] of cases) {
      expect(schema.safeParse(config).error?.issues).toEqual([
        expect.objectContaining({ path: [field], message: PLAIN_HTTP_REFUSAL }),
      ]);
      expect(schema.safeParse({ ...config, plainHttpHosts: ['sandbox'] }).success).toBe(true);
    }
  });
});
