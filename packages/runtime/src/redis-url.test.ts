import { describe, expect, it } from 'vitest';
import { coreEnv, parseEnv } from './env.ts';
import { parseRedisUrl } from './redis-url.ts';

describe('parseRedisUrl', () => {
  it('passes a single Redis URL through', () => {
    expect(parseRedisUrl('redis://127.0.0.1:6390/2')).toEqual({
      kind: 'single',
      url: 'redis://127.0.0.1:6390/2',
    });
    expect(parseRedisUrl('rediss://:pw@cache.example:6380')).toEqual({
      kind: 'single',
      url: 'rediss://:pw@cache.example:6380',
    });
  });

  it('reads a cluster’s seed nodes, credentials and TLS', () => {
    expect(parseRedisUrl('redis+cluster://10.0.0.1:7000,10.0.0.2:7001,[::1]:7002/')).toEqual({
      kind: 'cluster',
      nodes: [
        { host: '10.0.0.1', port: 7000 },
        { host: '10.0.0.2', port: 7001 },
        { host: '::1', port: 7002 },
      ],
      tls: false,
    });
    expect(parseRedisUrl('rediss+cluster://app:p%40ss@a.example:7000')).toEqual({
      kind: 'cluster',
      nodes: [{ host: 'a.example', port: 7000 }],
      username: 'app',
      password: 'p@ss',
      tls: true,
    });
  });

  it('rejects anything else, without echoing it', () => {
    for (const bad of [
      'http://x',
      'not a url',
      'redis+cluster://',
      'redis+cluster://h1',
      'redis+cluster://h1:7000,,h2:7001',
    ]) {
      expect(() => parseRedisUrl(bad)).toThrow(/redis/);
    }
    expect(() =>
      parseEnv(coreEnv, { REDIS_URL: 'redis+cluster://h1', SENDCODE_SECRET: 'x'.repeat(32) }),
    ).toThrow(/REDIS_URL: redis\+cluster:\/\/ takes a comma-separated list/);
    expect(
      parseEnv(coreEnv, { REDIS_URL: 'redis+cluster://h1:7000,h2:7001', SENDCODE_SECRET: 'x'.repeat(32) })
        .REDIS_URL,
    ).toBe('redis+cluster://h1:7000,h2:7001');
  });
});
