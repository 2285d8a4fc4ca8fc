import { createIdempotencyStore } from '@sendcode/store';
import {
  limitRedisMemory,
  type RedisServer,
  startRedisServer,
  testRedis,
  uniquePrefix,
} from '@sendcode/testing';
import express, { type Request } from 'express';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiKeyConfig, createAuthenticator } from '../auth.ts';
import { ApiError } from '../errors.ts';
import { apiError, type Served, serve, silentLogger } from '../test-support.ts';
import { type Answer, idempotent } from './idempotency.ts';

const KEYS: ApiKeyConfig[] = [
  { name: 'acme', key: 'sk_acme_0123456789abcdefghijkl', scopes: ['verify'] },
  { name: 'other', key: 'sk_other_0123456789abcdefghijk', scopes: ['verify'] },
];

const redis = testRedis();
const idempotency = createIdempotencyStore({ redis, prefix: uniquePrefix('gw-idem') });
/** The bodies the handler saw, in order; `reset` clears them and sets what it answers next. */
const calls: unknown[] = [];
let next: (req: Request) => Promise<Answer>;
let served: Served;

beforeAll(async () => {
  const requireScope = createAuthenticator(KEYS);
  const deps = { idempotency, now: () => Date.now(), logger: silentLogger };
  served = await serve((app) => {
    app.use(express.json());
    app.post(
      '/things',
      requireScope('verify'),
      idempotent(deps, (req) => {
        calls.push(req.body);
        return next(req);
      }),
    );
  });
});

afterAll(async () => {
  await served.close();
  await redis.quit();
});

let counter = 0;
const freshKey = () => `key-${Date.now()}-${++counter}`;

function post(body: unknown, key?: string, client: ApiKeyConfig = KEYS[0] as ApiKeyConfig) {
  return fetch(`${served.url}/things`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${client.key}`,
      'content-type': 'application/json',
      ...(key === undefined ? {} : { 'idempotency-key': key }),
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

const reset = (answer: typeof next = async () => ({ status: 201, body: { n: calls.length } })) => {
  calls.length = 0;
  next = answer;
};

describe('Idempotency-Key', () => {
  it('runs every request without a key', async () => {
    reset();
    const first = await post({ a: 1 });
    const second = await post({ a: 1 });
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(second.headers.get('idempotent-replayed')).toBeNull();
    expect(calls).toHaveLength(2);
  });

  it('answers as res.json would: the status, the JSON, its type and its length in bytes', async () => {
    const body = { n: 1, to: 'たろう@example.jp', list: [1, 'two'] };
    // The gateway's app is configured so: no ETag.
    const plain = await serve((app) => {
      app.set('etag', false);
      app.get('/', (_req, res) => {
        res.status(201).json(body);
      });
    });
    const expected = await fetch(plain.url);
    const expectedText = await expected.text();
    await plain.close();
    for (const key of [undefined, freshKey()]) {
      reset(async () => ({ status: 201, body }));
      const answer = await post({ a: 1 }, key);
      expect(answer.status).toBe(201);
      for (const header of ['content-type', 'content-length']) {
        expect(answer.headers.get(header)).toBe(expected.headers.get(header));
      }
      expect(await answer.text()).toBe(expectedText);
    }
  });

  it('replays the stored answer, byte for byte, for the same key and body, without running again', async () => {
    reset();
    const key = freshKey();
    const first = await post({ to: 'a@example.com', nested: { x: 1, y: [1, 2] } }, key);
    const firstBody = await first.text();
    const again = await post({ to: 'a@example.com', nested: { x: 1, y: [1, 2] } }, key);
    expect(again.status).toBe(first.status);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await again.text()).toBe(firstBody);
    expect(calls).toHaveLength(1);
  });

  it('takes a body with its keys in another order, at any depth, for the same body', async () => {
    reset();
    const key = freshKey();
    await post({ a: 1, b: { c: 2, d: 3 } }, key);
    const again = await post('{"b":{"d":3,"c":2},"a":1}', key);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(calls).toHaveLength(1);
  });

  it('refuses the same key with another body (422 idempotency_key_reused), running nothing', async () => {
    reset();
    const key = freshKey();
    await post({ a: 1 }, key);
    const other = await post({ a: 2 }, key);
    expect(other.status).toBe(422);
    expect((await apiError(other)).code).toBe('idempotency_key_reused');
    const reordered = await post('[2, 1]', key);
    expect(reordered.status).toBe(422);
    expect(calls).toHaveLength(1);
  });

  it('answers 409 idempotency_key_in_use, with Retry-After, while the first request runs', async () => {
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    reset(async () => {
      await held;
      return { status: 201, body: { done: true } };
    });
    const key = freshKey();
    const first = post({ a: 1 }, key);
    // Until the handler has been entered the first request may not hold the key yet.
    while (calls.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const racing = await post({ a: 1 }, key);
    expect(racing.status).toBe(409);
    expect(racing.headers.get('retry-after')).toBe('1');
    expect((await apiError(racing)).code).toBe('idempotency_key_in_use');
    release();
    expect((await first).status).toBe(201);
    expect((await post({ a: 1 }, key)).headers.get('idempotent-replayed')).toBe('true');
  });

  it('keeps nothing of a request that failed: a retry with the same key runs again', async () => {
    reset(async () => {
      throw new ApiError('rate_limited', 'Too many requests.');
    });
    const key = freshKey();
    expect((await post({ a: 1 }, key)).status).toBe(429);
    next = async () => ({ status: 201, body: { ok: true } });
    const retry = await post({ a: 1 }, key);
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBeNull();
    expect(calls).toHaveLength(2);
  });

  it("keeps keys per client: another client's same key is its own", async () => {
    reset();
    const key = freshKey();
    await post({ a: 1 }, key);
    const other = await post({ a: 1 }, key, KEYS[1]);
    expect(other.status).toBe(201);
    expect(other.headers.get('idempotent-replayed')).toBeNull();
    expect(calls).toHaveLength(2);
  });

  it.each([
    ['empty', ''],
    ['with a space', 'a key'],
    ['over 255 characters', 'k'.repeat(256)],
  ])('refuses a key %s (400 validation_failed on Idempotency-Key)', async (_case, key) => {
    reset();
    const response = await post({ a: 1 }, key);
    expect(response.status).toBe(400);
    expect(await apiError(response)).toMatchObject({
      code: 'validation_failed',
      details: { field: 'Idempotency-Key' },
    });
    expect(calls).toHaveLength(0);
  });
});

describe('Idempotency-Key on a Redis that fills up while the request runs', () => {
  let server: RedisServer;
  let full: Redis;
  let fullServed: Served;

  beforeAll(async () => {
    server = await startRedisServer(['--maxmemory-policy', 'noeviction']);
    full = new Redis(server.url, { maxRetriesPerRequest: 1 });
    const deps = {
      idempotency: createIdempotencyStore({ redis: full, prefix: uniquePrefix('gw-idem-full') }),
      now: () => Date.now(),
      logger: silentLogger,
    };
    fullServed = await serve((app) => {
      app.use(express.json());
      app.post(
        '/things',
        createAuthenticator(KEYS)('verify'),
        // The request does its work, then Redis is full before its answer can be kept.
        idempotent(deps, async () => {
          await limitRedisMemory(full, -100_000);
          return { status: 201, body: { done: true } };
        }),
      );
    });
  });
  afterAll(async () => {
    await fullServed.close();
    full.disconnect();
    await server.stop();
  });

  it('still answers what the request did (201), though its answer could not be kept for replays', async () => {
    const response = await fetch(`${fullServed.url}/things`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${(KEYS[0] as ApiKeyConfig).key}`,
        'content-type': 'application/json',
        'idempotency-key': freshKey(),
      },
      body: JSON.stringify({ a: 1 }),
    });
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ done: true });
  });
});
