import { ConfigError, parseEnv } from '@sendcode/runtime';
import { describe, expect, it } from 'vitest';
import { gatewayEnv } from './config.ts';

const base = {
  REDIS_URL: 'redis://127.0.0.1:6390',
  SENDCODE_SECRET: 's'.repeat(32),
  SENDCODE_API_KEYS: JSON.stringify([{ name: 'acme', key: 'k'.repeat(24), scopes: ['verify'] }]),
};
/** A Twilio auth token as Twilio issues them: 32 hex digits. */
const twilioToken = '0123456789abcdef'.repeat(2);

/** The ConfigError message `parseEnv` throws for `env`, or '' when it parses. */
function problems(env: Record<string, string>): string {
  try {
    parseEnv(gatewayEnv, { ...base, ...env });
    return '';
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
}

describe('gateway config: webhook signature secrets', () => {
  it.each(['TWILIO_AUTH_TOKEN', 'VONAGE_SIGNATURE_SECRET'])('refuses a %s under 32 characters', (name) => {
    const message = problems({ [name]: 'x'.repeat(31) });
    expect(message).toContain(
      `  ${name}: must be at least 32 characters (it verifies provider webhook signatures)`,
    );
    expect(message).not.toContain('x'.repeat(31));
  });

  it('accepts 32 characters (a real Twilio auth token) and more, and treats empty as unset', () => {
    const config = parseEnv(gatewayEnv, {
      ...base,
      TWILIO_AUTH_TOKEN: twilioToken,
      VONAGE_SIGNATURE_SECRET: 'v'.repeat(50),
    });
    expect(config.TWILIO_AUTH_TOKEN).toBe(twilioToken);
    expect(config.VONAGE_SIGNATURE_SECRET).toBe('v'.repeat(50));
    expect(parseEnv(gatewayEnv, { ...base, TWILIO_AUTH_TOKEN: '' }).TWILIO_AUTH_TOKEN).toBeUndefined();
  });
});

describe('gateway config: PUBLIC_URL needs the secrets to verify the receipts it asks for', () => {
  const publicUrl = { PUBLIC_URL: 'https://verify.example.com' };
  const twilio = { TWILIO_ACCOUNT_SID: `AC${'0'.repeat(32)}` };
  const vonage = { VONAGE_API_KEY: 'abcd1234' };

  it('refuses Twilio without TWILIO_AUTH_TOKEN, Vonage without VONAGE_SIGNATURE_SECRET, naming each', () => {
    expect(problems({ ...publicUrl, ...twilio })).toBe(
      'invalid configuration:\n' +
        '  TWILIO_AUTH_TOKEN: is required when PUBLIC_URL and TWILIO_ACCOUNT_SID are set (without it every Twilio receipt is refused and every SMS and call fails over)',
    );
    const both = problems({ ...publicUrl, ...twilio, ...vonage });
    expect(both).toContain('  TWILIO_AUTH_TOKEN: is required when PUBLIC_URL and TWILIO_ACCOUNT_SID are set');
    expect(both).toContain(
      '  VONAGE_SIGNATURE_SECRET: is required when PUBLIC_URL and VONAGE_API_KEY are set',
    );
  });

  it('starts when every provider in use can be verified, or none is (email only)', () => {
    const secrets = { TWILIO_AUTH_TOKEN: twilioToken, VONAGE_SIGNATURE_SECRET: 'v'.repeat(32) };
    expect(problems({ ...publicUrl, ...twilio, ...vonage, ...secrets })).toBe('');
    expect(problems({ ...publicUrl, ...twilio, TWILIO_AUTH_TOKEN: twilioToken })).toBe('');
    expect(problems(publicUrl)).toBe('');
  });

  it('asks nothing without PUBLIC_URL: the workers then ask for no receipts', () => {
    expect(problems({ ...twilio, ...vonage })).toBe('');
  });
});
