import { generateKeyPairSync } from 'node:crypto';
import { ConfigError, parseEnv } from '@sendcode/runtime';
import { describe, expect, it } from 'vitest';
import { workersEnv } from './config.ts';

const base = { REDIS_URL: 'redis://127.0.0.1:6390', SENDCODE_SECRET: 'x'.repeat(32) };
const key = generateKeyPairSync('rsa', { modulusLength: 2048 })
  .privateKey.export({ type: 'pkcs8', format: 'pem' })
  .toString();
const dkim = { DKIM_DOMAIN: 'contoso.example', DKIM_SELECTOR: 'sel1', DKIM_PRIVATE_KEY: key };
const why = '(DKIM signs with all three or none)';

describe('workersEnv: DKIM', () => {
  it('takes all three variables, or none', () => {
    expect(parseEnv(workersEnv, { ...base, ...dkim })).toMatchObject(dkim);
    expect(parseEnv(workersEnv, { ...base, DKIM_DOMAIN: '' })).not.toHaveProperty('DKIM_DOMAIN', '');
  });

  it.each([
    [
      { DKIM_DOMAIN: 'contoso.example' },
      `  DKIM_SELECTOR: required with DKIM_DOMAIN ${why}\n  DKIM_PRIVATE_KEY: required with DKIM_DOMAIN ${why}`,
    ],
    [
      { DKIM_DOMAIN: 'contoso.example', DKIM_SELECTOR: 'sel1' },
      `  DKIM_PRIVATE_KEY: required with DKIM_DOMAIN and DKIM_SELECTOR ${why}`,
    ],
    [
      { DKIM_SELECTOR: 'sel1', DKIM_PRIVATE_KEY: key },
      `  DKIM_DOMAIN: required with DKIM_SELECTOR and DKIM_PRIVATE_KEY ${why}`,
    ],
    [
      { DKIM_PRIVATE_KEY: key, DKIM_DOMAIN: '' },
      `  DKIM_DOMAIN: required with DKIM_PRIVATE_KEY ${why}\n  DKIM_SELECTOR: required with DKIM_PRIVATE_KEY ${why}`,
    ],
  ])('refuses to boot half-configured (%#), naming what is missing and never the key', (partial, lines) => {
    const boot = () => parseEnv(workersEnv, { ...base, ...partial });
    expect(boot).toThrow(ConfigError);
    expect(boot).toThrow(new ConfigError(`invalid configuration:\n${lines}`));
  });

  it('reports a half-configured DKIM alongside a bad value elsewhere', () => {
    const env = { REDIS_URL: base.REDIS_URL, SENDCODE_SECRET: 'short', DKIM_SELECTOR: 'sel1' };
    expect(() => parseEnv(workersEnv, env)).toThrow(
      /SENDCODE_SECRET: [^\n]+\n {2}DKIM_DOMAIN: required with DKIM_SELECTOR/,
    );
  });
});

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
      `  ${name}: must be https:// (plain http:// only for a loopback host: 127.0.0.0/8, ::1, localhost, or a host in PROVIDER_PLAIN_HTTP_HOSTS)`,
    );
  }
});

it('accepts plain http to a host listed in PROVIDER_PLAIN_HTTP_HOSTS (a sandbox in compose)', () => {
  const urls = Object.fromEntries(names.map((name) => [name, 'http://sandbox:4010']));
  const env = parseEnv(workersEnv, { ...base, ...urls, PROVIDER_PLAIN_HTTP_HOSTS: ' sandbox, ,mock ' });
  expect(env.PROVIDER_PLAIN_HTTP_HOSTS).toEqual(['sandbox', 'mock']);
  expect(env.TWILIO_API_BASE_URL).toBe('http://sandbox:4010');
  expect(() => parseEnv(workersEnv, { ...base, ...urls, PROVIDER_PLAIN_HTTP_HOSTS: 'mock' })).toThrow(
    /VONAGE_API_HOST: must be https:\/\//,
  );
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

describe('workersEnv: QUEUE_SHARDS', () => {
  it('is unset by default (1 on one Redis, 8 on a cluster, decided by the queues) and takes 1 to 16', () => {
    expect(parseEnv(workersEnv, base).QUEUE_SHARDS).toBeUndefined();
    expect(parseEnv(workersEnv, { ...base, QUEUE_SHARDS: '16' }).QUEUE_SHARDS).toBe(16);
    for (const bad of ['0', '17', '2.5', 'many']) {
      expect(() => parseEnv(workersEnv, { ...base, QUEUE_SHARDS: bad })).toThrow(ConfigError);
    }
  });
});
