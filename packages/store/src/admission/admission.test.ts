import type { LimitScope } from '@sendcode/policy';
import { testRedis, uniquePrefix } from '@sendcode/testing';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slotPart, T0 } from '../core/test-support.ts';
import {
  type Admission,
  type AdmitInput,
  chargeMarkKey,
  createAdmission,
  type LimitRule,
  pendingKey,
  type RefundInput,
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

/** A start with fresh ids and a fresh client; override what a test cares about. */
function start(overrides: Partial<AdmitInput> & { purpose?: string; id?: string } = {}): AdmitInput {
  counter += 1;
  const { purpose = 'sign_in', id = `ver_${counter}`, ...rest } = overrides;
  return {
    client: 'acme',
    rules: [],
    pending: { lookupHash: 'h-dest', purpose, id, ttlMs: 10 * MINUTE },
    nowMs: T0,
    ...rest,
  };
}

/** What `rule`'s counter holds for its current bucket (the tests' clock stays in T0's unless said). */
async function count(client: string, rule: LimitRule): Promise<number> {
  return counterOf(await redis.get(rateLimitKey(prefix, client, rule))).current;
}

function counterOf(stored: string | null): { bucket: number; current: number; previous: number } {
  const [bucket = 0, current = 0, previous = 0] = (stored ?? '0:0:0').split(':').map(Number);
  return { bucket, current, previous };
}

/** The refund of an admitted start, a moment after it. */
function refundOf(input: AdmitInput): RefundInput {
  const { lookupHash, purpose, id } = input.pending;
  return {
    client: input.client,
    rules: input.rules,
    pending: { lookupHash, purpose, id },
    admittedAtMs: input.nowMs,
    nowMs: input.nowMs + 1,
  };
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
    // The hour's one start fills this bucket; in the next it still weighs until that one's end.
    expect(refused).toMatchObject({ result: 'limited', scope: 'ip', retryAfterMs: 120 * MINUTE - 1000 });
    expect(await count(client, { scope: 'destination', key: 'h-b', limit: 5, windowMs: 10 * MINUTE })).toBe(
      0,
    );
    expect(await count(client, { scope: 'destination', key: 'h-a', limit: 5, windowMs: 10 * MINUTE })).toBe(
      1,
    );
  });

  it('slides the window: the previous bucket weighs what of it is still inside, and Retry-After is when one fits', async () => {
    const client = 'slide';
    const rule: LimitRule = { scope: 'destination', key: 'h-slide', limit: 2, windowMs: 1000 };
    const rules = [rule];
    const at = (ms: number) => admission.admit(start({ client, rules, purpose: `p${ms}`, nowMs: T0 + ms }));
    expect(await at(0)).toEqual({ result: 'admitted' });
    expect(await at(500)).toEqual({ result: 'admitted' });
    // The bucket is full; in the next, its two weigh 2 × (1 − elapsed share): room for one at 1500.
    expect(await at(900)).toMatchObject({ result: 'limited', retryAfterMs: 600 });
    expect(await at(1000)).toMatchObject({ result: 'limited', retryAfterMs: 500 });
    expect(await at(1499)).toMatchObject({ result: 'limited', retryAfterMs: 1 });
    expect(await at(1500)).toEqual({ result: 'admitted' });
    expect(await at(1501)).toMatchObject({ result: 'limited', retryAfterMs: 499 });
    expect(await at(2000)).toEqual({ result: 'admitted' });
    expect(counterOf(await redis.get(rateLimitKey(prefix, client, rule)))).toEqual({
      bucket: (T0 + 2000) / 1000,
      current: 1,
      previous: 1,
    });
  });

  it('bounds a burst timed at a window boundary: never over `limit` in one bucket, 2 × limit − 1 in any window', async () => {
    const client = 'boundary';
    const limit = 5;
    const windowMs = 10 * MINUTE;
    const rules: LimitRule[] = [{ scope: 'destination', key: 'h-edge', limit, windowMs }];
    const admitted: number[] = [];
    let tries = 0;
    const at = async (ms: number) => {
      tries += 1;
      const outcome = await admission.admit(start({ client, rules, purpose: `p${tries}`, nowMs: T0 + ms }));
      if (outcome.result === 'admitted') admitted.push(ms);
    };
    // The attacker's best: `limit` at the very end of a bucket (the one before it empty)...
    for (let i = 0; i < 2 * limit; i += 1) await at(windowMs - 1);
    expect(admitted).toHaveLength(limit);
    // ...then one try every 10 s for two more windows.
    for (let ms = windowMs; ms < 3 * windowMs; ms += 10_000) await at(ms);
    const inWindow = (from: number) => admitted.filter((ms) => ms >= from && ms < from + windowMs).length;
    const most = Math.max(...admitted.map(inWindow));
    expect(most).toBe(2 * limit - 1);
    const perBucket = (b: number) => admitted.filter((ms) => Math.floor(ms / windowMs) === b).length;
    expect([perBucket(0), perBucket(1), perBucket(2)].every((n) => n <= limit)).toBe(true);
    // Over the three buckets the rate holds: no more than `limit` per window on average.
    expect(admitted.length).toBeLessThanOrEqual(3 * limit);
  });

  it('counts a start once in a counter two rules share (same scope, key and window)', async () => {
    const client = 'shared-counter';
    const rules: LimitRule[] = [
      { scope: 'destination', key: 'h-same', limit: 5, windowMs: MINUTE },
      { scope: 'destination', key: 'h-same', limit: 3, windowMs: MINUTE },
    ];
    const at = (ms: number) => admission.admit(start({ client, rules, purpose: `p${ms}`, nowMs: T0 + ms }));
    for (const ms of [0, 1, 2]) expect(await at(ms)).toEqual({ result: 'admitted' });
    expect(await at(3)).toMatchObject({ result: 'limited', rule: rules[1] });
    expect(await count(client, rules[0] as LimitRule)).toBe(3);
  });

  it('keeps a counter per window, so 2 per second and 3 per 10 s on one destination both hold', async () => {
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
    // 10 s bucket full (3); in the next its three weigh less, room for one after a third of it.
    expect(await at(2000)).toMatchObject({ result: 'limited', rule: rules[1], retryAfterMs: 11_334 });
  });

  it('keeps each counter until its bucket stops counting: the end of the next one', async () => {
    const rule: LimitRule = { scope: 'ip', key: '192.0.2.1', limit: 3, windowMs: 5000 };
    await admission.admit(start({ client: 'ttl', rules: [rule], nowMs: T0 + 1000 }));
    const ttl = await redis.pttl(rateLimitKey(prefix, 'ttl', rule));
    expect(ttl).toBeGreaterThan(8000);
    expect(ttl).toBeLessThanOrEqual(9000);
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
    const charge = (token: string, nowMs = T0) =>
      admission.chargeSend({ client, rules, token, ttlMs: 10 * MINUTE, nowMs });
    expect(await charge('s1')).toEqual({ result: 'charged' });
    expect(await charge('s1')).toEqual({ result: 'charged' });
    expect(await charge('s2')).toEqual({ result: 'charged' });
    const limited = await charge('s3', T0 + MINUTE);
    expect(limited).toMatchObject({ result: 'limited', scope: 'destination', retryAfterMs: 14 * MINUTE });
    // A refused send counts in no window, the day's included.
    expect(await count(client, rules[1] as LimitRule)).toBe(2);
    // A token counted before still passes when the window is full (a retried job).
    expect(await charge('s2', T0 + MINUTE)).toEqual({ result: 'charged' });
    expect(await charge('s3', T0 + 15 * MINUTE - 1)).toMatchObject({ result: 'limited', retryAfterMs: 1 });
    expect(await charge('s3', T0 + 15 * MINUTE)).toEqual({ result: 'charged' });
    expect(await count(client, rules[1] as LimitRule)).toBe(3);
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
  it('takes a start back: out of every counter, and the pending entry goes', async () => {
    const client = 'refund';
    const destination: LimitRule = { scope: 'destination', key: 'h-f', limit: 1, windowMs: MINUTE };
    const rules: LimitRule[] = [destination, { scope: 'ip', key: '192.0.2.9', limit: 10, windowMs: MINUTE }];
    const input = start({ client, rules, id: 'ver_f' });
    await admission.admit(input);
    await admission.refund(refundOf(input));
    for (const rule of rules) expect(await count(client, rule)).toBe(0);
    expect(await redis.exists(pendingKey(prefix, client, 'h-dest', 'sign_in'))).toBe(0);
    expect(await admission.admit(start({ client, rules }))).toEqual({ result: 'admitted' });
    // Refunding again is a no-op: the new start stays counted.
    await admission.refund(refundOf(input));
    expect(await count(client, destination)).toBe(1);
  });

  it('takes a start back from the bucket it was counted in, once the window has moved on', async () => {
    const client = 'refund-later';
    const rule: LimitRule = { scope: 'destination', key: 'h-later', limit: 2, windowMs: MINUTE };
    const input = start({ client, rules: [rule], id: 'ver_l', nowMs: T0 + MINUTE - 1 });
    await admission.admit(input);
    await admission.refund({ ...refundOf(input), nowMs: T0 + MINUTE + 1 });
    expect(counterOf(await redis.get(rateLimitKey(prefix, client, rule)))).toMatchObject({
      current: 0,
      previous: 0,
    });
  });

  it('takes nothing back for a start that was never admitted (its admit lost before it ran)', async () => {
    const client = 'refund-never';
    const rule: LimitRule = { scope: 'destination', key: 'h-never', limit: 2, windowMs: MINUTE };
    await admission.admit(start({ client, rules: [rule], id: 'ver_in' }));
    await admission.refund(refundOf(start({ client, rules: [rule], id: 'ver_lost' })));
    expect(await count(client, rule)).toBe(1);
  });

  it('leaves the pending entry when a later start replaced it', async () => {
    const client = 'refund-late';
    const first = start({ client, id: 'ver_a' });
    await admission.admit(first);
    const second = start({ client, id: 'ver_b' });
    await admission.admit({ ...second, pending: { ...second.pending, ignoreId: 'ver_a' } });
    await admission.refund(refundOf(first));
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
      chargeMarkKey(prefix, 'acme', 'tok:2'),
    ];
    expect(new Set(keys.map(slotPart))).toEqual(new Set(['acme']));
    expect(keys[1]).toBe(`${prefix}:rc:{acme}:destination:1:h`);
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
