import { type ReplicatedRedis, startReplicatedRedis } from '@sendcode/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startFaultSystem } from '../helpers/faults.ts';
import type { TestSystem } from '../helpers/system.ts';

/**
 * Durable accept over HTTP, on one Redis with one real replica (`--replicaof`) and
 * `REDIS_WAIT_REPLICAS=1`: a 201 while the replica is up; with it stopped, `503 unavailable` with
 * Retry-After (the verification kept); once it is back, the client's retry resumes that verification
 * and the user holds one code. The resend cooldown is 0 here, so the retry resends at once.
 */
let servers: ReplicatedRedis;
let system: TestSystem;

beforeAll(async () => {
  servers = await startReplicatedRedis();
  system = await startFaultSystem(servers.master.url, {
    REDIS_WAIT_REPLICAS: '1',
    // Below the 2 s command timeout, and room for a replica on a loaded machine to acknowledge.
    REDIS_WAIT_TIMEOUT_MS: '1500',
    RESEND_COOLDOWN_SECONDS: '0',
  });
});
afterAll(async () => {
  await system?.close();
  await servers?.stop();
});

it('201 with the replica up; 503 with Retry-After without it; the retry resumes the same verification', async () => {
  const up = await system.api('POST', '/v1/verifications', { to: 'up@example.com' });
  expect(up.status).toBe(201);

  await servers.replica.kill();
  let refused: Response;
  try {
    refused = await fetch(`${system.gateway.url}/v1/verifications`, {
      method: 'POST',
      headers: { authorization: `Bearer ${system.verifyKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ to: 'down@example.com' }),
    });
  } finally {
    await servers.replica.start();
  }
  expect(refused.status).toBe(503);
  expect(refused.headers.get('retry-after')).toBe('1');
  expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('unavailable');

  await servers.inSync();
  const retried = await system.api('POST', '/v1/verifications', { to: 'down@example.com' });
  // A resume answers 200 with the pending verification it found: the one the refused start kept.
  expect(retried.status).toBe(200);
  const messages = await system.messagesFor('down@example.com', 2);
  // The kept verification's send and the retry's resend: one code, twice; never a second code.
  expect(messages).toHaveLength(2);
  expect(new Set(messages.map((m) => m.code)).size).toBe(1);
  const { body } = await system.api('GET', `/v1/verifications/${retried.body.id}`);
  expect(body.timeline.filter((e: { type: string }) => e.type === 'sent')).toHaveLength(2);
});

it('an API resend without the replica: 503 with Retry-After, and the resend stands (its code arrives)', async () => {
  const started = await system.api('POST', '/v1/verifications', { to: 'resend@example.com' });
  expect(started.status).toBe(201);
  await system.messagesFor('resend@example.com', 1);

  await servers.replica.kill();
  let refused: Response;
  try {
    refused = await fetch(`${system.gateway.url}/v1/verifications/${started.body.id}/resend`, {
      method: 'POST',
      headers: { authorization: `Bearer ${system.verifyKey}` },
    });
  } finally {
    await servers.replica.start();
  }
  expect(refused.status).toBe(503);
  expect(refused.headers.get('retry-after')).toBe('1');
  expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('unavailable');

  // Queued on the master before the WAIT: the same code goes out a second time.
  const messages = await system.messagesFor('resend@example.com', 2);
  expect(new Set(messages.map((m) => m.code)).size).toBe(1);
  const { body } = await system.api('GET', `/v1/verifications/${started.body.id}`);
  expect(body.timeline.filter((e: { type: string }) => e.type === 'resend')).toHaveLength(1);
});
