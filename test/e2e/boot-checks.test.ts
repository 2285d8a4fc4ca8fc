import { gatewayEnv, startGateway } from '@sendcode/gateway';
import { ConfigError, createLogger, parseEnv } from '@sendcode/runtime';
import { type RedisServer, startRedisServer } from '@sendcode/testing';
import { startWorkers, workersEnv } from '@sendcode/workers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** The gateway and the workers check the Redis they point at before they serve (issue 17). */

let evicting: RedisServer;
let noAof: RedisServer;

beforeAll(async () => {
  evicting = await startRedisServer(['--maxmemory-policy', 'allkeys-lru']);
  noAof = await startRedisServer(['--maxmemory-policy', 'noeviction']);
});
afterAll(async () => {
  await Promise.all([evicting.stop(), noAof.stop()]);
});

const env = (redisUrl: string) => ({
  REDIS_URL: redisUrl,
  SENDCODE_SECRET: 's'.repeat(40),
  SENDCODE_API_KEYS: JSON.stringify([{ name: 'acme', key: 'k'.repeat(32), scopes: ['verify'] }]),
  PORT: '0',
  WORKERS_METRICS_PORT: '0',
  SMTP_URL: 'smtp://127.0.0.1:2525',
  MAIL_FROM: 'codes@example.com',
  LOG_LEVEL: 'silent',
});
const logger = createLogger('test', 'silent');

describe('boot checks', () => {
  it('the gateway refuses to start on an evicting Redis, naming why', async () => {
    const started = startGateway(parseEnv(gatewayEnv, env(evicting.url)), logger);
    await expect(started).rejects.toThrow(ConfigError);
    await expect(started).rejects.toThrow(/refusing to start: .*maxmemory-policy allkeys-lru/);
  });

  it('the workers refuse to start on an evicting Redis', async () => {
    await expect(startWorkers(parseEnv(workersEnv, env(evicting.url)), logger)).rejects.toThrow(
      /refusing to start: .*noeviction/,
    );
  });

  it('both start on a Redis without AOF (a warning, not a refusal)', async () => {
    const gateway = await startGateway(parseEnv(gatewayEnv, env(noAof.url)), logger);
    const workers = await startWorkers(parseEnv(workersEnv, env(noAof.url)), logger);
    expect((await fetch(`${gateway.url}/readyz`)).status).toBe(200);
    await Promise.all([gateway.close(), workers.close()]);
  });
});
