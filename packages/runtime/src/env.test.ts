import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, coreEnv, parseEnv, port } from './env.ts';

const good = { REDIS_URL: 'redis://127.0.0.1:6390', SENDCODE_SECRET: 'x'.repeat(32) };

describe('parseEnv', () => {
  it('applies defaults and keeps valid values', () => {
    expect(parseEnv(coreEnv, good)).toEqual({ ...good, SENDCODE_PREFIX: 'sc', LOG_LEVEL: 'info' });
  });

  it('names every bad variable in one ConfigError', () => {
    const bad = { REDIS_URL: 'http://nope', SENDCODE_SECRET: 'short', LOG_LEVEL: 'loud' };
    let message = '';
    try {
      parseEnv(coreEnv, bad);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      message = (error as Error).message;
    }
    expect(message).toContain('REDIS_URL: must be a redis://, rediss:// or redis+cluster:// URL');
    expect(message).toContain('SENDCODE_SECRET: must be at least 32 characters');
    expect(message).toContain('LOG_LEVEL');
    expect(message).not.toContain('short');
  });

  it('coerces ports, defaults them, and rejects out-of-range ones', () => {
    const schema = z.object({ PORT: port(8080) });
    expect(parseEnv(schema, {})).toEqual({ PORT: 8080 });
    expect(parseEnv(schema, { PORT: '0' })).toEqual({ PORT: 0 });
    expect(() => parseEnv(schema, { PORT: '70000' })).toThrow(/PORT/);
  });
});
