import type { LimitScope } from '@sendcode/policy';
import { testRedis, uniquePrefix } from '@sendcode/testing';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slotPart, T0 } from '../core/test-support.ts';
import {
  type Admission,
  type AdmitInput,
  createAdmission,
  type LimitRule,
  pendingKey,
  rateLimitKey,
} from './admission.ts';

const MINUTE = 60_000;

let redis: Redis;
let prefix: string;
let admission: Admission;
let counter = 0;

beforeAll(() => {
  redis = testRedis();
  prefix = uniquePrefix('admission');
  admission = createAdmission({ redis, prefix });
});
afterAll(() => redis.quit());

/** A start with fresh ids, a fresh client and token; override what a test cares about. */
function start(overrides: Partial<AdmitInput> & { purpose?: string; id?: string } = {}): AdmitInput {
  counter += 1;
  const { purpose = 'sign_in', id = `ver_${counter}`, ...rest } = overrides;
  return {
    client: 'acme',
    rules: [],
    pending: { lookupHash: 'h-dest', purpose, id, ttlMs: 10 * MINUTE },
    token: `tok_${counter}`,
    nowMs: T0,
    ...rest,
  };
}

function count(client: string, rule: LimitRule): Promise<number> {
  return redis.zcard(rateLimitKey(prefix, client, rule));
}

describe('admit: limits', () => {
  it('admits exactly `limit` of 50 concurrent starts to one destination, consuming nothing for the rest', async () => {
    const client = 'burst';
    const rules: LimitRule[] = [
      { scope: 'destination', key: 'h-burst', limit: 5, windowMs: 10 * MINUTE },
      { scope: 'ip', key: '203.0.113.5', limit: 100, windowMs: 60 * MINUTE },
      { scope: 'client', key: 'all', limit: 1000, windowMs: MINUTE },
    ];
    const connections = Array.from({ length: 5 }, () => testRedis());
    try {
      const admissions = connections.map((connection) => createAdmission({ redis: connection, prefix }));
      const outcomes = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          admissions[i % admissions.length]?.admit(start({ client, rules, purpose: `p${i}`, nowMs: T0 + i })),
        ),
      );
      expect(outcomes.filter((o) => o?.result === 'admitted')).toHaveLength(5);
      const limited = outcomes.filter((o) => o?.result === 'limited');
      expect(limited).toHaveLength(45);
      for (const o of limited) {
        expect(o).toMatchObject({ scope: 'destination', rule: rules[0] });
        expect(o?.result === 'limited' && o.retryAfterMs > 0).toBe(true);
      }
      for (const rule of rules) expect(await count(client, rule)).toBe(5);
    } finally {
      await Promise.all(connections.map((connection) => connection.quit()));
    }
  });

  it('consumes nothing of the destination limit when the IP limit refuses', async () => {
    const client = 'ip-first';
    const rulesFor = (dest: string): LimitRule[] => [
      { scope: 'destination', key: dest, limit: 5, windowMs: 10 * MINUTE },
      { scope: 'ip', key: '198.51.100.7', limit: 1, windowMs: 60 * MINUTE },
    ];
    expect(await admission.admit(start({ client, rules: rulesFor('h-a') }))).toEqual({ result: 'admitted' });
    const refused = await admission.admit(
      start({ client, rules: rulesFor('h-b'), purpose: 'other', nowMs: T0 + 1000 }),
    );
    expect(refused).toMatchObject({ result: 'limited', scope: 'ip', retryAfterMs: 60 * MINUTE - 1000 });
    expect(await count(client, { scope: 'destination', key: 'h-b', limit: 5, windowMs: 10 * MINUTE })).toBe(
      0,
    );
    expect(await count(client, { scope: 'destination', key: 'h-a', limit: 5, windowMs: 10 * MINUTE })).toBe(
      1,
    );
  });

  it('slides the window: an entry frees its slot exactly `windowMs` after it was added', async () => {
    const client = 'slide';
    const rule: LimitRule = { scope: 'destination', key: 'h-slide', limit: 2, windowMs: 1000 };
    const rules = [rule];
    const at = (ms: number) => admission.admit(start({ client, rules, purpose: `p${ms}`, nowMs: T0 + ms }));
    expect(await at(0)).toEqual({ result: 'admitted' });
    expect(await at(500)).toEqual({ result: 'admitted' });
    expect(await at(900)).toMatchObject({ result: 'limited', retryAfterMs: 100 });
    expect(await at(999)).toMatchObject({ result: 'limited', retryAfterMs: 1 });
    expect(await at(1000)).toEqual({ result: 'admitted' });
    expect(await at(1001)).toMatchObject({ result: 'limited', retryAfterMs: 499 });
    expect(await count(client, rule)).toBe(2);
  });

  it('keeps a log per window, so 2 per second and 3 per 10 s on one destination both hold', async () => {
    const client = 'two-windows';
    const rules: LimitRule[] = [
      { scope: 'destination', key: 'h-2w', limit: 2, windowMs: 1000 },
      { scope: 'destination', key: 'h-2w', limit: 3, windowMs: 10_000 },
    ];
    const at = (ms: number) => admission.admit(start({ client, rules, purpose: `p${ms}`, nowMs: T0 + ms }));
    expect(await at(0)).toEqual({ result: 'admitted' });
    expect(await at(1)).toEqual({ result: 'admitted' });
    expect(await at(2)).toMatchObject({ result: 'limited', scope: 'destination', rule: rules[0] });
    expect(await at(1500)).toEqual({ result: 'admitted' });
    expect(await at(1600)).toMatchObject({ result: 'limited', rule: rules[1], retryAfterMs: 8400 });
  });

  it('gives each log a TTL of its window', async () => {
    const rule: LimitRule = { scope: 'ip', key: '192.0.2.1', limit: 3, windowMs: 5000 };
    await admission.admit(start({ client: 'ttl', rules: [rule] }));
    const ttl = await redis.pttl(rateLimitKey(prefix, 'ttl', rule));
    expect(ttl).toBeGreaterThan(4000);
    expect(ttl).toBeLessThanOrEqual(5000);
  });

  it('counts per client: another client has its own limits', async () => {
    const rules: LimitRule[] = [{ scope: 'destination', key: 'h-shared', limit: 1, windowMs: MINUTE }];
    expect(await admission.admit(start({ client: 'c1', rules, purpose: 'a' }))).toEqual({
      result: 'admitted',
    });
    expect(await admission.admit(start({ client: 'c1', rules, purpose: 'b' }))).toMatchObject({
      result: 'limited',
    });
    expect(await admission.admit(start({ client: 'c2', rules, purpose: 'a' }))).toEqual({
      result: 'admitted',
    });
  });
});

describe('admit: pending index', () => {
  it('resumes the pending verification instead of starting a second one, consuming nothing', async () => {
    const client = 'resume';
    const rule: LimitRule = { scope: 'destination', key: 'h-r', limit: 5, windowMs: MINUTE };
    const rules = [rule];
    expect(await admission.admit(start({ client, rules, id: 'ver_first' }))).toEqual({ result: 'admitted' });
    expect(await admission.admit(start({ client, rules, id: 'ver_second', nowMs: T0 + 1 }))).toEqual({
      result: 'resume',
      id: 'ver_first',
    });
    expect(await count(client, rule)).toBe(1);
    const ttl = await redis.pttl(pendingKey(prefix, client, 'h-dest', 'sign_in'));
    expect(ttl).toBeGreaterThan(9 * MINUTE);
    // Another purpose is another verification.
    expect(await admission.admit(start({ client, rules, purpose: 'password_reset' }))).toEqual({
      result: 'admitted',
    });
  });

  it('lets exactly one of 20 concurrent starts for one destination and purpose create', async () => {
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, i) => admission.admit(start({ client: 'race', id: `ver_race${i}` }))),
    );
    const admitted = outcomes.flatMap((o, i) => (o.result === 'admitted' ? [`ver_race${i}`] : []));
    expect(admitted).toHaveLength(1);
    expect(outcomes.filter((o) => o.result === 'resume' && o.id === admitted[0])).toHaveLength(19);
  });

  it('admits anew when the pending verification is the one to ignore (it is over)', async () => {
    const client = 'ignore';
    await admission.admit(start({ client, id: 'ver_old' }));
    const input = start({ client, id: 'ver_new' });
    const outcome = await admission.admit({ ...input, pending: { ...input.pending, ignoreId: 'ver_old' } });
    expect(outcome).toEqual({ result: 'admitted' });
    expect(await redis.get(pendingKey(prefix, client, 'h-dest', 'sign_in'))).toBe('ver_new');
    const other = start({ client, id: 'ver_third' });
    expect(await admission.admit({ ...other, pending: { ...other.pending, ignoreId: 'ver_old' } })).toEqual({
      result: 'resume',
      id: 'ver_new',
    });
  });

  it('confirmPending makes a short claim last the lifetime, only while it still names the id given', async () => {
    const client = 'confirm';
    const key = pendingKey(prefix, client, 'h-dest', 'sign_in');
    await admission.admit(
      start({
        client,
        id: 'ver_c',
        pending: { lookupHash: 'h-dest', purpose: 'sign_in', id: 'ver_c', ttlMs: 10_000 },
      }),
    );
    expect(await redis.pttl(key)).toBeLessThanOrEqual(10_000);
    expect(await admission.confirmPending(client, 'h-dest', 'sign_in', 'ver_other', 10 * MINUTE)).toBe(false);
    expect(await redis.pttl(key)).toBeLessThanOrEqual(10_000);
    expect(await admission.confirmPending(client, 'h-dest', 'sign_in', 'ver_c', 10 * MINUTE)).toBe(true);
    expect(await redis.pttl(key)).toBeGreaterThan(9 * MINUTE);
    expect(await redis.get(key)).toBe('ver_c');
    // A claim that lapsed is not brought back.
    await redis.del(key);
    expect(await admission.confirmPending(client, 'h-dest', 'sign_in', 'ver_c', 10 * MINUTE)).toBe(false);
    expect(await redis.exists(key)).toBe(0);
  });

  it('chargeSend counts a send once per token, all or nothing, and names the full rule', async () => {
    const client = 'charge';
    const rules: LimitRule[] = [
      { scope: 'destination', key: 'h-dest', limit: 2, windowMs: 10 * MINUTE },
      { scope: 'destination_day', key: 'h-dest', limit: 10, windowMs: 1_440 * MINUTE },
    ];
    const charge = (token: string, nowMs = T0) => admission.chargeSend({ client, rules, token, nowMs });
    expect(await charge('s1')).toEqual({ result: 'charged' });
    expect(await charge('s1')).toEqual({ result: 'charged' });
    expect(await charge('s2')).toEqual({ result: 'charged' });
    const limited = await charge('s3', T0 + MINUTE);
    expect(limited).toMatchObject({ result: 'limited', scope: 'destination', retryAfterMs: 9 * MINUTE });
    // A refused send counts in no window, the day's included.
    expect(await redis.zcard(rateLimitKey(prefix, client, rules[1] as LimitRule))).toBe(2);
    // A token counted before still passes when the window is full (a retried job).
    expect(await charge('s2', T0 + MINUTE)).toEqual({ result: 'charged' });
    expect(await charge('s3', T0 + 10 * MINUTE + 1)).toEqual({ result: 'charged' });
  });

  it('pendingId names the pending verification of (client, lookupHash, purpose), or null', async () => {
    const client = 'lookup';
    expect(await admission.pendingId(client, 'h-dest', 'sign_in')).toBeNull();
    await admission.admit(start({ client, id: 'ver_p' }));
    expect(await admission.pendingId(client, 'h-dest', 'sign_in')).toBe('ver_p');
    expect(await admission.pendingId(client, 'h-dest', 'password_reset')).toBeNull();
    expect(await admission.pendingId('another', 'h-dest', 'sign_in')).toBeNull();
  });
});

describe('refund', () => {
  it('takes a start back: its token leaves every log and the pending entry goes', async () => {
    const client = 'refund';
    const destination: LimitRule = { scope: 'destination', key: 'h-f', limit: 1, windowMs: MINUTE };
    const rules: LimitRule[] = [destination, { scope: 'ip', key: '192.0.2.9', limit: 10, windowMs: MINUTE }];
    const input = start({ client, rules, id: 'ver_f' });
    await admission.admit(input);
    await admission.refund(input);
    for (const rule of rules) expect(await count(client, rule)).toBe(0);
    expect(await redis.exists(pendingKey(prefix, client, 'h-dest', 'sign_in'))).toBe(0);
    expect(await admission.admit(start({ client, rules }))).toEqual({ result: 'admitted' });
    // Refunding again is a no-op: the new start's token stays.
    await admission.refund(input);
    expect(await count(client, destination)).toBe(1);
  });

  it('leaves the pending entry when a later start replaced it', async () => {
    const client = 'refund-late';
    const first = start({ client, id: 'ver_a' });
    await admission.admit(first);
    const second = start({ client, id: 'ver_b' });
    await admission.admit({ ...second, pending: { ...second.pending, ignoreId: 'ver_a' } });
    await admission.refund(first);
    expect(await redis.get(pendingKey(prefix, client, 'h-dest', 'sign_in'))).toBe('ver_b');
  });
});

describe('keys', () => {
  it('puts every key of one start in the client slot', () => {
    const rules: LimitRule[] = [
      { scope: 'destination', key: 'h', limit: 1, windowMs: 1 },
      { scope: 'ip', key: '2001:db8::1', limit: 1, windowMs: 1 },
    ];
    const keys = [
      pendingKey(prefix, 'acme', 'h', 'sign_in'),
      ...rules.map((r) => rateLimitKey(prefix, 'acme', r)),
    ];
    expect(new Set(keys.map(slotPart))).toEqual(new Set(['acme']));
    expect(keys[1]).toBe(`${prefix}:rl:{acme}:destination:1:h`);
  });

  it('refuses input that would break a key or a rule', async () => {
    const rule: LimitRule = { scope: 'ip', key: 'x', limit: 1, windowMs: 1000 };
    const bad: Partial<AdmitInput>[] = [
      { client: 'a{b}' },
      { client: '' },
      // A caller outside TypeScript could pass any string: the key is still checked.
      { rules: [{ ...rule, scope: 'i:p' as LimitScope }] },
      { rules: [{ ...rule, limit: 0 }] },
      { rules: [{ ...rule, windowMs: 1.5 }] },
      { rules: [{ ...rule, key: '' }] },
      { token: '' },
      { nowMs: -1 },
    ];
    for (const overrides of bad) {
      await expect(admission.admit(start(overrides))).rejects.toMatchObject({ code: 'invalid_argument' });
    }
    const input = start();
    await expect(
      admission.admit({ ...input, pending: { ...input.pending, lookupHash: 'a:b' } }),
    ).rejects.toMatchObject({ code: 'invalid_argument' });
  });
});
