import { setTimeout as sleep } from 'node:timers/promises';
import type { VerificationStore } from '@sendcode/store';
import { testRedis, uniquePrefix } from '@sendcode/testing';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EngineFixture, engineFixture } from '../test-fixture.ts';
import { CREATE_CLAIM_MS } from './admit.ts';
import { startVerification } from './start.ts';
import type { StartDeps } from './types.ts';

let redis: Redis;
const opened: EngineFixture[] = [];

beforeAll(() => {
  redis = testRedis();
});
afterAll(async () => {
  for (const fixture of opened) await fixture.close();
  await redis.quit();
});

/** The start's dependencies on real Redis, with a store a test may slow down or break. */
function startDeps(
  wrap: (store: VerificationStore) => VerificationStore = (s) => s,
  prefix = uniquePrefix('start'),
): StartDeps {
  const fixture = engineFixture(redis, { prefix, wrap: (stores) => ({ store: wrap(stores.store) }) });
  opened.push(fixture);
  return fixture.deps;
}

/** A store whose `create` takes `ms` longer: a gateway on a slower path to Redis than the others. */
const slowCreate =
  (ms: number) =>
  (store: VerificationStore): VerificationStore => ({
    ...store,
    async create(v, nowMs) {
      await sleep(ms);
      return store.create(v, nowMs);
    },
  });

describe('startVerification', () => {
  it('20 concurrent starts for one destination and purpose create one verification while it is being created', async () => {
    const deps = startDeps(slowCreate(100));
    const results = await Promise.all(
      Array.from({ length: 20 }, () => startVerification(deps, 'acme', { to: '+819012370001' })),
    );
    const created = results.filter((r) => r.ok && r.created);
    expect(created).toHaveLength(1);
    // The others waited for it and resumed it (the resend cooldown then answers), or were told to
    // retry while it was still being created; none made a verification of its own.
    for (const result of results) {
      if (result.ok) expect(result.record.id).toBe(created[0]?.ok ? created[0].record.id : '');
      else expect(['resend_too_soon', 'being_created']).toContain(result.reason);
    }
    const jobs = await deps.queues.queue('sms').getJobCounts('waiting', 'delayed', 'active');
    expect(Object.values(jobs).reduce((sum, n) => sum + n, 0)).toBe(1);
  });

  it('a start that finds the destination claimed answers being_created, and the claim lapses if its creator died', async () => {
    // The creator's store accepts nothing: it is as if its gateway died between admission and create.
    const prefix = uniquePrefix('start');
    const deps = startDeps(undefined, prefix);
    const dead = { ...deps, store: { ...deps.store, create: () => new Promise<void>(() => {}) } };
    void startVerification(dead, 'acme', { to: '+819012370002' });
    await sleep(50);
    const waiting = await startVerification(deps, 'acme', { to: '+819012370002' });
    expect(waiting).toMatchObject({ ok: false, reason: 'being_created' });

    const later = { ...deps, now: () => Date.now() + CREATE_CLAIM_MS + 1 };
    // The claim is a Redis TTL: lapse it as time would.
    for (const key of await redis.keys(`${prefix}:pending:*`)) await redis.pexpire(key, 1);
    await sleep(10);
    const retried = await startVerification(later, 'acme', { to: '+819012370002' });
    expect(retried).toMatchObject({ ok: true, created: true });
  });

  it('an email address in another case is the same destination: the second start resumes the first', async () => {
    const deps = startDeps();
    const first = await startVerification(deps, 'acme', { to: 'Taro.Yamada@Example.com' });
    const second = await startVerification(deps, 'acme', { to: 'taro.yamada@example.com' });
    expect(first).toMatchObject({ ok: true, created: true });
    expect(second).toMatchObject({ ok: false, reason: 'resend_too_soon' });
  });
});
