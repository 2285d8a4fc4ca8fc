import { randomBytes } from 'node:crypto';
import { gatewayEnv, startGateway } from '@sendcode/gateway';
import { createLogger, parseEnv } from '@sendcode/runtime';
import { expect, it } from 'vitest';
import { startRedisServer } from '../helpers/redis-server.ts';

it('/readyz answers 200 while Redis answers and 503 promptly once it is gone; /healthz stays 200', async () => {
  const redis = await startRedisServer();
  const config = parseEnv(gatewayEnv, {
    REDIS_URL: redis.url,
    SENDCODE_SECRET: randomBytes(32).toString('hex'),
    SENDCODE_API_KEYS: JSON.stringify([
      { name: 'acme', key: randomBytes(16).toString('hex'), scopes: ['verify'] },
    ]),
    PORT: '0',
    LOG_LEVEL: 'silent',
  });
  const gateway = await startGateway(config, createLogger('test', 'silent'));
  try {
    expect((await fetch(`${gateway.url}/readyz`)).status).toBe(200);
    await redis.stop();
    const response = await fetch(`${gateway.url}/readyz`);
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ error: { code: 'unavailable' } });
    expect((await fetch(`${gateway.url}/healthz`)).status).toBe(200);
  } finally {
    await Promise.race([gateway.close(), new Promise((resolve) => setTimeout(resolve, 1_000))]);
  }
});
