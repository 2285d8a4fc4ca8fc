import { limitRedisMemory, type RedisServer, startRedisServer } from '@sendcode/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  faultFigures,
  percentile,
  type StartAttempt,
  startFaultSystem,
  startRetrying,
  statusCounts,
  whyLost,
} from '../helpers/faults.ts';
import type { TestSystem } from '../helpers/system.ts';
import { printFigures } from '../helpers/tally.ts';

/**
 * Redis reaches its `maxmemory` (noeviction) while starts keep coming: Redis refuses every write that
 * could grow memory, scripts at their first such write. Each start answers 201 or 503 `unavailable`
 * with Retry-After — never a 500 — and a start refused half way leaves nothing behind. Once memory
 * frees up, the clients' retries are accepted, and every verification answered 201, before or after,
 * is delivered with its one code.
 */
const N = Number(process.env.FULL_N ?? 400);
/** Room left when the run starts: a few dozen starts' worth, so Redis fills up during it. */
const HEADROOM_BYTES = Number(process.env.FULL_HEADROOM_BYTES ?? 150_000);
/** How long Redis stays full while the clients retry. */
const FULL_MS = Number(process.env.FULL_MS ?? 4_000);
const CONCURRENCY = 10;
let redis: RedisServer;
let admin: Redis;
let system: TestSystem;

beforeAll(async () => {
  redis = await startRedisServer(['--maxmemory-policy', 'noeviction']);
  admin = new Redis(redis.url);
  system = await startFaultSystem(redis.url);
});
afterAll(async () => {
  await system?.close();
  admin?.disconnect();
  await redis?.stop();
});

const used = async () => Number(/^used_memory:(\d+)/m.exec(await admin.info('memory'))?.[1]);

it(`Redis full under ${N} starts: only 201 or 503 unavailable, and once it has room every 201 is delivered`, {
  timeout: 120_000 + N * 30,
}, async () => {
  const to = Array.from({ length: N }, (_, i) => `full${i}@example.com`);
  // Half the clients send Idempotency-Key: its writes are refused too, and must not turn a start
  // that went through into an error.
  const halves = [to.filter((_, i) => i % 2 === 0), to.filter((_, i) => i % 2 === 1)];
  // Warm: every script loaded and every queue in use, so the room left is room for starts.
  const warm = await startRetrying(system, ['warm@example.com'], { concurrency: 1, retryUntil: 0 });
  expect(warm.accepted.size).toBe(1);
  await faultFigures(system, ['warm@example.com'], warm.accepted, 10_000);
  const restore = await limitRedisMemory(admin, HEADROOM_BYTES);
  const fullUntil = Date.now() + FULL_MS;
  const whileFull = await Promise.all(
    halves.map((half, i) =>
      startRetrying(system, half, {
        concurrency: CONCURRENCY / 2,
        retryUntil: fullUntil,
        idempotent: i === 0,
      }),
    ),
  );
  const usedWhenFull = await used();
  await restore();
  const accepted = new Set(whileFull.flatMap((run) => [...run.accepted]));
  const attemptsFull = whileFull.flatMap((run) => run.attempts);

  // Memory is back: the clients retry what was refused, and every start goes through.
  const refused = to.filter((destination) => !accepted.has(destination));
  const afterwards = await startRetrying(system, refused, {
    concurrency: CONCURRENCY,
    retryUntil: Date.now() + 30_000 + N * 5,
  });
  for (const destination of afterwards.accepted) accepted.add(destination);
  const figures = await faultFigures(system, to, accepted, 60_000 + N * 40);

  const unavailable = attemptsFull.filter((a: StartAttempt) => a.status === 503);
  printFigures(
    `redis full (${HEADROOM_BYTES / 1000} kB of room, ${FULL_MS / 1000} s)`,
    figures,
    `while full ${statusCounts(attemptsFull)} (${whileFull.reduce((n, run) => n + run.accepted.size, 0)} accepted, ` +
      `503 p50 ${percentile(
        unavailable.map((a) => a.ms),
        50,
      )} ms, used ${(usedWhenFull / 1e6).toFixed(2)} MB), then ${statusCounts(afterwards.attempts)}`,
  );
  // Only 201 and 503 while full; every 503 is `unavailable` with Retry-After.
  expect(attemptsFull.filter((a) => a.status !== 201 && a.status !== 503)).toEqual([]);
  expect(unavailable.filter((a) => a.code !== 'unavailable' || a.retryAfter === null)).toEqual([]);
  expect(unavailable.length).toBeGreaterThan(0);
  expect(afterwards.attempts.filter((a) => a.status !== 201)).toEqual([]);
  expect(figures.accepted).toBe(N);
  expect(figures.lost, await whyLost(system, [...attemptsFull, ...afterwards.attempts])).toBe(0);
  expect(figures.secondCodes).toBe(0);
  // A 503 meant nothing was sent: the retry's code is the only one.
  expect(figures.sentUnaccepted).toBe(0);
});
