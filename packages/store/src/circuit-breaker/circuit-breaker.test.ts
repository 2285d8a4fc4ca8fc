import { testRedis, uniquePrefix } from '@sendcode/testing';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { T0, watchKey } from '../core/test-support.ts';
import {
  type CircuitBreaker,
  type CircuitBreakerConfig,
  circuitBreakerKey,
  createCircuitBreaker,
} from './circuit-breaker.ts';

const CONFIG: CircuitBreakerConfig = {
  failureThreshold: 3,
  errorRatio: 0.5,
  minRequests: 6,
  windowMs: 10_000,
  cooldownMs: 30_000,
  probeTimeoutMs: 5_000,
};

let redis: Redis;

beforeAll(() => {
  redis = testRedis();
});

afterAll(async () => {
  await redis.quit();
});

/** A breaker with a prefix of its own, so each test starts closed. */
function breaker(config: Partial<CircuitBreakerConfig> = CONFIG): { cb: CircuitBreaker; prefix: string } {
  const prefix = uniquePrefix('cb');
  return { cb: createCircuitBreaker({ redis, prefix, config }), prefix };
}

async function fail(cb: CircuitBreaker, times: number, nowMs = T0) {
  const results = [];
  for (let i = 0; i < times; i += 1) results.push(await cb.record('twilio:sms', 'failure', nowMs));
  return results;
}

/** A breaker opened at T0 by three consecutive failures. */
async function opened() {
  const made = breaker();
  await fail(made.cb, 3);
  return made;
}

describe('circuit breaker', () => {
  it('allows calls while closed and opens at the consecutive-failure threshold', async () => {
    const { cb } = breaker();
    expect(await cb.allow('twilio:sms', T0)).toMatchObject({ allowed: true, state: 'closed', probe: false });
    expect(await fail(cb, 3)).toEqual([
      { state: 'closed', changed: false },
      { state: 'closed', changed: false },
      { state: 'open', changed: true },
    ]);
    expect(await cb.allow('twilio:sms', T0 + 1)).toMatchObject({
      allowed: false,
      state: 'open',
      probe: false,
    });
    expect(await cb.allow('vonage:sms', T0 + 1)).toMatchObject({
      allowed: true,
      state: 'closed',
      probe: false,
    });
  });

  it('resets the consecutive count on success', async () => {
    const { cb } = breaker();
    await fail(cb, 2);
    await cb.record('twilio:sms', 'success', T0);
    expect(await fail(cb, 2)).toEqual([
      { state: 'closed', changed: false },
      { state: 'closed', changed: false },
    ]);
  });

  it('opens on the error ratio once the window holds minRequests calls', async () => {
    const { cb } = breaker();
    for (const outcome of ['failure', 'success', 'failure', 'success', 'success'] as const) {
      expect(await cb.record('twilio:sms', outcome, T0)).toEqual({ state: 'closed', changed: false });
    }
    // The sixth call of the window and its third failure: 3/6 ≥ 0.5, with one consecutive failure.
    expect(await cb.record('twilio:sms', 'failure', T0 + 1)).toEqual({ state: 'open', changed: true });
  });

  it('ignores the ratio below minRequests', async () => {
    const { cb } = breaker();
    for (const outcome of ['failure', 'success', 'failure', 'success', 'failure'] as const) {
      expect(await cb.record('twilio:sms', outcome, T0)).toEqual({ state: 'closed', changed: false });
    }
  });

  it('starts a fresh window once windowMs has passed', async () => {
    const { cb } = breaker();
    for (const outcome of ['failure', 'success', 'failure', 'success', 'failure', 'success'] as const) {
      await cb.record('twilio:sms', outcome, T0);
    }
    // The old window (3 of 6 failed) is gone: this failure is 1 of 1, below minRequests.
    expect(await cb.record('twilio:sms', 'failure', T0 + 10_000)).toEqual({
      state: 'closed',
      changed: false,
    });
  });

  it('records outcomes that come while a record is on its way in one write, each as if alone', async () => {
    const outcomes = ['failure', 'failure', 'success', 'failure', 'failure', 'failure', 'success'] as const;
    const { cb: alone, prefix: alonePrefix } = breaker();
    const expected = [];
    for (const [i, outcome] of outcomes.entries())
      expected.push(await alone.record('twilio:sms', outcome, T0 + i));

    const { cb, prefix } = breaker();
    const watch = await watchKey(redis, circuitBreakerKey(prefix, 'twilio:sms'));
    const first = cb.record('twilio:sms', outcomes[0], T0);
    await new Promise((resolve) => setImmediate(resolve)); // its write is on its way
    const rest = outcomes.slice(1).map((outcome, i) => cb.record('twilio:sms', outcome, T0 + 1 + i));
    const together = await Promise.all([first, ...rest]);
    const reads = (await watch.stop()).filter(([name]) => name === 'hmget');
    expect(together).toEqual(expected);
    expect(together.map((r) => r.state)).toEqual([...Array(5).fill('closed'), 'open', 'open']);
    expect(reads).toHaveLength(2);
    // And it stores what recording them one by one stores.
    expect(await redis.hgetall(circuitBreakerKey(prefix, 'twilio:sms'))).toEqual(
      await redis.hgetall(circuitBreakerKey(alonePrefix, 'twilio:sms')),
    );
  });

  it('refuses calls for the whole cooldown, then gives exactly one caller the probe', async () => {
    const { cb, prefix } = await opened();
    expect(await cb.allow('twilio:sms', T0 + 29_999)).toEqual({
      allowed: false,
      state: 'open',
      probe: false,
      retryAt: T0 + 30_000,
    });
    const connections = Array.from({ length: 5 }, () => testRedis());
    try {
      const breakers = connections.map((connection) =>
        createCircuitBreaker({ redis: connection, prefix, config: CONFIG }),
      );
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) => breakers[i % breakers.length]?.allow('twilio:sms', T0 + 30_000)),
      );
      expect(answers.filter((a) => a?.allowed)).toEqual([
        { allowed: true, state: 'half_open', probe: true, retryAt: 0 },
      ]);
      expect(answers.filter((a) => a?.allowed === false)).toHaveLength(19);
      expect(answers.every((a) => a?.state === 'half_open')).toBe(true);
    } finally {
      await Promise.all(connections.map((connection) => connection.quit()));
    }
  });

  it('gives the probe to another caller once the lease runs out', async () => {
    const { cb } = await opened();
    expect(await cb.allow('twilio:sms', T0 + 30_000)).toMatchObject({ allowed: true, probe: true });
    // Refused while the lease lives, and told when it ends.
    expect(await cb.allow('twilio:sms', T0 + 34_999)).toEqual({
      allowed: false,
      state: 'half_open',
      probe: false,
      retryAt: T0 + 35_000,
    });
    expect(await cb.allow('twilio:sms', T0 + 35_000)).toEqual({
      allowed: true,
      state: 'half_open',
      probe: true,
      retryAt: 0,
    });
  });

  it('closes on a probe success, with a fresh window', async () => {
    const { cb } = await opened();
    await cb.allow('twilio:sms', T0 + 30_000);
    expect(await cb.record('twilio:sms', 'success', T0 + 30_100)).toEqual({ state: 'closed', changed: true });
    expect(await cb.allow('twilio:sms', T0 + 30_200)).toEqual({
      allowed: true,
      state: 'closed',
      probe: false,
      retryAt: 0,
    });
    expect(await fail(cb, 2, T0 + 30_300)).toEqual([
      { state: 'closed', changed: false },
      { state: 'closed', changed: false },
    ]);
  });

  it('reopens on a probe failure for another full cooldown', async () => {
    const { cb } = await opened();
    await cb.allow('twilio:sms', T0 + 30_000);
    expect(await cb.record('twilio:sms', 'failure', T0 + 31_000)).toEqual({ state: 'open', changed: true });
    expect(await cb.allow('twilio:sms', T0 + 60_999)).toEqual({
      allowed: false,
      state: 'open',
      probe: false,
      retryAt: T0 + 61_000,
    });
    expect(await cb.allow('twilio:sms', T0 + 61_000)).toEqual({
      allowed: true,
      state: 'half_open',
      probe: true,
      retryAt: 0,
    });
  });

  it('stays open on a late success or failure of a call made before it opened', async () => {
    const { cb } = await opened();
    expect(await cb.record('twilio:sms', 'success', T0 + 1_000)).toEqual({ state: 'open', changed: false });
    expect(await cb.record('twilio:sms', 'failure', T0 + 20_000)).toEqual({ state: 'open', changed: false });
    // The late failure did not extend the cooldown.
    expect(await cb.allow('twilio:sms', T0 + 30_000)).toMatchObject({ allowed: true, probe: true });
  });

  it('reports states, closed for providers it has never seen', async () => {
    const { cb } = await opened();
    expect(await cb.states(['twilio:sms', 'vonage:sms', 'smtp:email'])).toEqual({
      'twilio:sms': 'open',
      'vonage:sms': 'closed',
      'smtp:email': 'closed',
    });
    // Cooldown over but nobody probed: still open.
    await cb.record('vonage:sms', 'success', T0);
    expect(await cb.states(['twilio:sms', 'vonage:sms'])).toEqual({
      'twilio:sms': 'open',
      'vonage:sms': 'closed',
    });
    await cb.allow('twilio:sms', T0 + 30_000);
    expect(await cb.states(['twilio:sms'])).toEqual({ 'twilio:sms': 'half_open' });
  });

  it('keeps its key for ten times the longer of window and cooldown', async () => {
    const { cb, prefix } = breaker();
    await cb.record('twilio:sms', 'failure', T0);
    const ttl = await redis.pttl(circuitBreakerKey(prefix, 'twilio:sms'));
    expect(ttl).toBeGreaterThan(299_000);
    expect(ttl).toBeLessThanOrEqual(300_000);
  });

  it('uses the defaults when given no config, and refuses a bad one', async () => {
    const { cb } = breaker({});
    const results = await fail(cb, 5);
    expect(results.map((r) => r.state)).toEqual(['closed', 'closed', 'closed', 'closed', 'open']);
    for (const config of [
      { errorRatio: 0 },
      { errorRatio: 1.5 },
      { cooldownMs: 0 },
      { failureThreshold: 2.5 },
    ]) {
      expect(() => createCircuitBreaker({ redis, config })).toThrow(
        expect.objectContaining({ code: 'invalid_argument' }),
      );
    }
  });

  it('trusts a closed state it heard for closedHintMs, and stops at once on any other', async () => {
    const prefix = uniquePrefix('cb');
    const hinted = createCircuitBreaker({ redis, prefix, config: CONFIG, closedHintMs: 1_000 });
    // Another process: the same breaker in Redis, no hint.
    const other = createCircuitBreaker({ redis, prefix, config: CONFIG });
    expect((await hinted.allow('twilio:sms', T0)).state).toBe('closed');
    await fail(other, CONFIG.failureThreshold, T0 + 1);
    expect((await other.allow('twilio:sms', T0 + 2)).allowed).toBe(false);
    // Within the hint this process still calls (and would learn of the outage from its failure)...
    expect(await hinted.allow('twilio:sms', T0 + 999)).toMatchObject({ allowed: true, state: 'closed' });
    // ...after it, it asks Redis again and is refused.
    expect(await hinted.allow('twilio:sms', T0 + 1_000)).toMatchObject({ allowed: false, state: 'open' });
    // A reply other than closed ends the trust at once, even when it came from record.
    const fresh = createCircuitBreaker({
      redis,
      prefix: uniquePrefix('cb'),
      config: CONFIG,
      closedHintMs: 60_000,
    });
    expect((await fresh.allow('twilio:sms', T0)).allowed).toBe(true);
    await fail(fresh, CONFIG.failureThreshold, T0 + 1);
    expect((await fresh.allow('twilio:sms', T0 + 2)).allowed).toBe(false);
    expect(() => createCircuitBreaker({ redis, prefix, closedHintMs: -1 })).toThrow(/closedHintMs/);
  });

  it('throws on a stored state it does not know', async () => {
    const { cb, prefix } = breaker();
    await redis.hset(circuitBreakerKey(prefix, 'twilio:sms'), 'state', 'ajar');
    await expect(cb.states(['twilio:sms'])).rejects.toMatchObject({ code: 'malformed_circuit' });
    await expect(cb.allow('twilio:sms', T0)).rejects.toThrow('malformed breaker state');
  });
});
