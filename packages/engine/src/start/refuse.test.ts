import { parseSettings, type Settings } from '@sendcode/policy';
import { memoryOfKeys, testRedis, uniquePrefix } from '@sendcode/testing';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EngineFixture, type EngineFixtureOptions, engineFixture } from '../test-fixture.ts';
import { startVerification } from './start.ts';
import type { StartDeps, StartResult } from './types.ts';

let redis: Redis;
const opened: EngineFixture[] = [];

beforeAll(() => {
  redis = testRedis();
});
afterAll(async () => {
  for (const fixture of opened) await fixture.close();
  await redis.quit();
});

// Mid-hour on a fixed clock: a run never straddles two refusal windows.
const NOW = Date.UTC(2025, 0, 1, 12, 30);

function deps(options: { settings?: Settings; store?: EngineFixtureOptions['verifications'] } = {}) {
  const prefix = uniquePrefix('refuse');
  const fixture = engineFixture(redis, {
    prefix,
    now: () => NOW,
    ...(options.settings ? { config: { settings: options.settings } } : {}),
    ...(options.store ? { verifications: options.store } : {}),
  });
  opened.push(fixture);
  const built = fixture.deps;
  // BullMQ's keys are `{prefix:q}:…`, so the pattern has a wildcard on both sides.
  return { deps: built, memory: () => memoryOfKeys(redis, `*${prefix}*`) };
}

/** Runs `n` starts one after the other, each expected to be refused with `reason`; returns the results. */
async function refusedStarts(
  d: StartDeps,
  n: number,
  to: (i: number) => string,
  reason: 'rate_limited' | 'blocked',
): Promise<Extract<StartResult, { ok: false }>[]> {
  const results = [];
  for (let i = 0; i < n; i += 1) {
    const result = await startVerification(d, 'acme', { to: to(i), purpose: 'sign_in' });
    if (result.ok || result.reason !== reason) throw new Error(`start ${i} was not ${reason}`);
    results.push(result);
  }
  return results;
}

const idOf = (r: StartResult) => (!r.ok && 'id' in r ? r.id : undefined);

describe('refused starts cost bounded memory', () => {
  it('2,000 refused starts to one number keep one refusal: memory does not grow with N', async () => {
    const { deps: d, memory } = deps();
    const to = '+819012375001';
    // Five starts (distinct purposes, so none resumes another) fill the 5-per-10-minutes window.
    for (const purpose of ['p_a', 'p_b', 'p_c', 'p_d', 'p_e']) {
      expect(await startVerification(d, 'acme', { to, purpose })).toMatchObject({ ok: true, created: true });
    }
    const before = await memory();
    const first = await refusedStarts(d, 200, () => to, 'rate_limited');
    const after200 = await memory();
    const rest = await refusedStarts(d, 1_800, () => to, 'rate_limited');
    const after2000 = await memory();
    console.log(
      `one number: before ${before} B; +${after200 - before} B after 200 refused starts, ` +
        `+${after2000 - before} B after 2,000`,
    );
    expect(after2000 - before).toBeLessThan(10_000);
    expect(Math.abs(after2000 - after200)).toBeLessThan(500);
    expect(new Set([...first, ...rest].map(idOf))).toEqual(new Set([idOf(first[0] as StartResult)]));
  });

  it('2,000 refused starts to 2,000 numbers keep at most the quota of refusals per client and hour', async () => {
    const settings = parseSettings({
      clients: { acme: { allowedCountries: { sms: ['JP'], voice: ['JP'] } } },
    });
    const { deps: d, memory } = deps({ settings, store: { refusalQuota: 50 } });
    const to = (i: number) => `+1202${2_000_000 + i}`;
    const before = await memory();
    const first = await refusedStarts(d, 200, to, 'blocked');
    const after200 = await memory();
    const rest = await refusedStarts(d, 1_800, (i) => to(200 + i), 'blocked');
    const after2000 = await memory();
    console.log(
      `2,000 numbers, quota 50: before ${before} B; +${after200 - before} B after 200 refused starts, ` +
        `+${after2000 - before} B after 2,000 (${Math.round((after2000 - before) / 50)} B per stored refusal)`,
    );
    expect(after2000 - before).toBeLessThan(60_000);
    expect(Math.abs(after2000 - after200)).toBeLessThan(500);
    // The first 50 are kept (and named in the answer); the others are answered the same, not kept.
    const ids = [...first, ...rest].map(idOf);
    expect(new Set(ids.slice(0, 50)).size).toBe(50);
    expect(ids.slice(50).every((id) => id === undefined)).toBe(true);
  });
});

describe('a start the guard refuses holds nothing', () => {
  it('no slot of a limit and no claim on its destination: the next start to it is created', async () => {
    const limits = { destination: [{ limit: 1, windowSeconds: 600 }] };
    const { deps: open } = deps({ settings: parseSettings({ limits }) });
    // The same stores and keys, under a spend cap no send fits under.
    const settings = parseSettings({ limits, clients: { acme: { dailySpendCap: 0 } } });
    const capped: StartDeps = { ...open, config: { ...open.config, settings } };
    const to = '+819012388001';
    for (let i = 0; i < 3; i += 1) {
      const refused = await startVerification(capped, 'acme', { to, purpose: 'sign_in' });
      expect(refused).toMatchObject({ ok: false, reason: 'rate_limited', scope: 'spend' });
    }
    // Had a refused start been admitted, this would meet its claim (being created) or the
    // destination's one slot (rate limited).
    const started = await startVerification(open, 'acme', { to, purpose: 'sign_in' });
    expect(started).toMatchObject({ ok: true, created: true });
  });
});
