import { describe, expect, it } from 'vitest';
import { providerBaseUrl } from './config.ts';
import { twilioConfigSchema } from './providers/twilio/client.ts';
import { vonageSmsConfigSchema, vonageVoiceConfigSchema } from './providers/vonage/client.ts';

const refusal = 'must be https:// (plain http:// only for a loopback host: 127.0.0.0/8, ::1, localhost)';

describe('providerBaseUrl', () => {
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
    expect(providerBaseUrl.safeParse(url).success).toBe(true);
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
    const result = providerBaseUrl.safeParse(url);
    expect(result.error?.issues.map((issue) => issue.message)).toEqual([refusal]);
  });

  it('is what the adapters check their base URLs with', () => {
    const twilio = { accountSid: `AC${'0'.repeat(32)}`, authToken: 't'.repeat(32), from: '+15005550006' };
    expect(twilioConfigSchema.safeParse({ ...twilio, baseUrl: 'http://api.example.com' }).success).toBe(
      false,
    );
    const sms = { apiKey: 'key', apiSecret: 'secret', from: 'Sendcode', restHost: 'http://rest.example.com' };
    expect(vonageSmsConfigSchema.safeParse(sms).success).toBe(false);
    const voice = {
      applicationId: 'app',
      privateKey: 'pem',
      from: '447400000000',
      apiHost: 'http://api.example.com',
    };
    expect(vonageVoiceConfigSchema.safeParse(voice).success).toBe(false);
  });
});
