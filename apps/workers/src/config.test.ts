import { ConfigError, parseEnv } from '@sendcode/runtime';
import { expect, it } from 'vitest';
import { workersEnv } from './config.ts';

const base = { REDIS_URL: 'redis://127.0.0.1:6390', SENDCODE_SECRET: 's'.repeat(32) };
const names = ['TWILIO_API_BASE_URL', 'VONAGE_REST_HOST', 'VONAGE_API_HOST'] as const;

it('refuses a plain-http provider base URL to another machine, naming the variable', () => {
  let message = '';
  try {
    parseEnv(workersEnv, {
      ...base,
      ...Object.fromEntries(names.map((name) => [name, 'http://sandbox:4010'])),
    });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    message = (error as Error).message;
  }
  for (const name of names) {
    expect(message).toContain(
      `  ${name}: must be https:// (plain http:// only for a loopback host: 127.0.0.0/8, ::1, localhost)`,
    );
  }
});

it('accepts https anywhere, http to loopback (the sandbox), and empty as unset', () => {
  const env = parseEnv(workersEnv, {
    ...base,
    TWILIO_API_BASE_URL: 'https://twilio-proxy.example.com',
    VONAGE_REST_HOST: 'http://127.0.0.1:4010',
    VONAGE_API_HOST: '',
  });
  expect(env.TWILIO_API_BASE_URL).toBe('https://twilio-proxy.example.com');
  expect(env.VONAGE_REST_HOST).toBe('http://127.0.0.1:4010');
  expect(env.VONAGE_API_HOST).toBeUndefined();
});
