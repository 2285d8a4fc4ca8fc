import { randomBytes } from 'node:crypto';
import { gatewayEnv, startGateway } from '@sendcode/gateway';
import { createLogger, parseEnv } from '@sendcode/runtime';
import { startRedisServer, startTcpProxy } from '@sendcode/testing';
import { expect, it } from 'vitest';

/** A gateway alone on `redisUrl`, with an API key of scope verify. */
async function gatewayOn(redisUrl: string, env: Record<string, string> = {}) {
  const key = randomBytes(16).toString('hex');
  const config = parseEnv(gatewayEnv, {
    REDIS_URL: redisUrl,
    SENDCODE_SECRET: randomBytes(32).toString('hex'),
    SENDCODE_API_KEYS: JSON.stringify([{ name: 'acme', key, scopes: ['verify'] }]),
    PORT: '0',
    LOG_LEVEL: 'silent',
    ...env,
  });
  return { key, gateway: await startGateway(config, createLogger('test', 'silent')) };
}

it('a gateway stopped while Redis is down closes at once, without an error', async () => {
  const redis = await startRedisServer();
  const { gateway } = await gatewayOn(redis.url);
  try {
    await redis.kill();
    const started = Date.now();
    await expect(gateway.close()).resolves.toBeUndefined();
    expect(Date.now() - started).toBeLessThan(5_000);
  } finally {
    await redis.stop();
  }
});

it('while Redis is down: /readyz and the API answer 503 unavailable at once; both recover when it is back', async () => {
  const redis = await startRedisServer(['--appendonly', 'yes', '--appendfsync', 'everysec']);
  const { key, gateway } = await gatewayOn(redis.url);
  let n = 0;
  const start = () =>
    fetch(`${gateway.url}/v1/verifications`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ to: `health${n++}@example.com` }),
    });
  try {
    expect((await fetch(`${gateway.url}/readyz`)).status).toBe(200);
    const before = await start();
    expect(before.status).toBe(201);
    const { id } = (await before.json()) as { id: string };

    await redis.kill();
    const ready = await fetch(`${gateway.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ error: { code: 'unavailable' } });
    const down = await start();
    expect(down.status).toBe(503);
    expect(down.headers.get('retry-after')).toBe('1');
    expect(await down.json()).toMatchObject({ error: { code: 'unavailable' } });
    expect((await fetch(`${gateway.url}/healthz`)).status).toBe(200);

    await redis.start();
    let again = await start();
    for (let i = 0; i < 100 && again.status !== 201; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      again = await start();
    }
    expect(again.status).toBe(201);
    // The verification accepted before the restart survived it (AOF).
    const view = await fetch(`${gateway.url}/v1/verifications/${id}`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(view.status).toBe(200);
  } finally {
    await Promise.race([gateway.close(), new Promise((resolve) => setTimeout(resolve, 1_000))]);
    await redis.stop();
  }
});

it('while the link to Redis is stalled (TCP up, no answers): 503 within the command timeout, then at once; both recover when it heals', async () => {
  const redis = await startRedisServer();
  const proxy = await startTcpProxy({ host: '127.0.0.1', port: redis.port });
  const { key, gateway } = await gatewayOn(proxy.url, { REDIS_COMMAND_TIMEOUT_MS: '500' });
  let n = 0;
  const start = async () => {
    const started = Date.now();
    const response = await fetch(`${gateway.url}/v1/verifications`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ to: `stall${n++}@example.com` }),
    });
    return { response, ms: Date.now() - started };
  };
  try {
    // The stall begins as the gateway starts, while BullMQ is still setting its queues up.
    proxy.blackhole();
    const first = await start();
    expect(first.response.status).toBe(503);
    expect(first.response.headers.get('retry-after')).toBe('1');
    expect(first.ms).toBeLessThan(1_500);
    // The stalled connection was dropped: from now on the answer comes at once.
    const second = await start();
    expect(second.response.status).toBe(503);
    expect(second.ms).toBeLessThan(200);
    const ready = await fetch(`${gateway.url}/readyz`);
    expect(ready.status).toBe(503);

    proxy.heal();
    let again = await start();
    for (let i = 0; i < 100 && again.response.status !== 201; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      again = await start();
    }
    expect(again.response.status).toBe(201);
    expect((await fetch(`${gateway.url}/readyz`)).status).toBe(200);
  } finally {
    proxy.heal();
    await Promise.race([gateway.close(), new Promise((resolve) => setTimeout(resolve, 1_000))]);
    await proxy.close();
    await redis.stop();
  }
});
