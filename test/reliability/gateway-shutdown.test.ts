import { request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { gatewayEnv, startGateway } from '@sendcode/gateway';
import { createLogger, parseEnv } from '@sendcode/runtime';
import { type RedisServer, startRedisServer } from '@sendcode/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';

/**
 * A gateway told to stop lets the requests it is handling finish before it closes Redis, even when
 * their clients have hung up (a load balancer's timeout, an impatient app): closing the connection
 * under a start would fail its writes halfway. Redis is held still with `CLIENT PAUSE WRITE`, so the
 * start is caught between its admission and its create when the stop comes.
 */
let server: RedisServer;
let admin: Redis;
beforeAll(async () => {
  server = await startRedisServer(['--maxmemory-policy', 'noeviction']);
  admin = new Redis(server.url);
});
afterAll(async () => {
  await admin.quit();
  await server.stop();
});

const API_KEY = 'k'.repeat(32);

it('a start whose client hung up is finished before the gateway closes Redis', async () => {
  const gateway = await startGateway(
    parseEnv(gatewayEnv, {
      REDIS_URL: server.url,
      SENDCODE_SECRET: 's'.repeat(40),
      SENDCODE_API_KEYS: JSON.stringify([{ name: 'acme', key: API_KEY, scopes: ['verify'] }]),
      PORT: '0',
      LOG_LEVEL: 'silent',
    }),
    createLogger('test', 'silent'),
  );
  await admin.call('CLIENT', 'PAUSE', '800', 'WRITE');
  const body = JSON.stringify({ to: 'hung-up@example.com' });
  const hungUp = request(`${gateway.url}/v1/verifications`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${API_KEY}`,
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
    },
  });
  hungUp.on('error', () => {});
  hungUp.end(body);
  await sleep(200);
  hungUp.destroy();
  await sleep(50);

  await gateway.close();
  // The start ran to its end: the verification and its first job are there, and nothing was undone.
  const records = await admin.keys('sc:v:*');
  expect(records).toHaveLength(1);
  const id = records[0]?.slice('sc:v:{'.length, -1);
  expect(await admin.llen('{sc:q}:deliver-email:wait')).toBe(1);
  expect(await admin.exists(`{sc:q}:deliver-email:${id}-0-1`)).toBe(1);
});
