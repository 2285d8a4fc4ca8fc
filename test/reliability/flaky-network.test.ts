import { type RedisServer, startRedisServer, startTcpProxy, type TcpProxy } from '@sendcode/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  faultFigures,
  percentile,
  type StartAttempt,
  startFaultSystem,
  startRetrying,
  statusCounts,
} from '../helpers/faults.ts';
import type { TestSystem } from '../helpers/system.ts';
import { printFigures } from '../helpers/tally.ts';

/**
 * A flaky network between Sendcode and Redis: gateway and workers reach Redis through a TCP proxy
 * that adds latency, resets every connection, black-holes them (TCP up, nothing forwarded) for a
 * while, or silences the open ones for good. Under each, starts keep coming from clients that retry
 * a 503 after its Retry-After; every verification answered 201 is delivered with its one code,
 * nobody gets a second code, and while Redis does not answer the gateway says 503 at once rather
 * than hanging. The workers are left to recover by themselves (their watchdog armed at 5 s).
 */
const N = Number(process.env.FLAKY_N ?? 150);
/** Every answer while the hole lasts comes within this; the hole lasts longer, so a hang shows. */
const ANSWER_WITHIN_MS = 5_000;
const BLACKHOLE_MS = Number(process.env.FLAKY_BLACKHOLE_MS ?? 7_000);
const LATENCY_MS = Number(process.env.FLAKY_LATENCY_MS ?? 100);
const CONCURRENCY = 10;
let redis: RedisServer;
let proxy: TcpProxy;
let system: TestSystem;

beforeAll(async () => {
  redis = await startRedisServer();
  proxy = await startTcpProxy({ host: '127.0.0.1', port: redis.port });
  system = await startFaultSystem(proxy.url, { WORKER_LOCK_MS: '5000' });
});
afterAll(async () => {
  proxy?.heal();
  await system?.close();
  await proxy?.close();
  await redis?.stop();
});

const destinations = (fault: string) => Array.from({ length: N }, (_, i) => `${fault}${i}@example.com`);

/** Starts `N` verifications while `fault` runs, then counts what arrived and checks the guarantees. */
async function underFault(name: string, fault: () => Promise<void>) {
  const to = destinations(name.replace(/\W/g, ''));
  const load = startRetrying(system, to, {
    concurrency: CONCURRENCY,
    retryUntil: Date.now() + 60_000 + N * 20,
  });
  await fault();
  const { attempts, accepted } = await load;
  const figures = await faultFigures(system, to, accepted, 60_000 + N * 40);
  expect(figures.lost).toBe(0);
  expect(figures.secondCodes).toBe(0);
  // 503 (Redis away), 409 (the destination held for a moment) and 429 (a retry meeting the code
  // that went out anyway, inside its resend cooldown) are answers; a 500 or no answer is not.
  expect(attempts.filter((a) => a.status === 0 || (a.status >= 500 && a.status !== 503))).toEqual([]);
  expect(attempts.filter((a) => a.status === 503 && a.retryAfter === null)).toEqual([]);
  return { attempts, figures };
}

it(`a black hole of ${BLACKHOLE_MS} ms: 503 at once, /readyz not ready, then every accepted verification delivered`, {
  timeout: 120_000 + N * 30,
}, async () => {
  let holeAt = 0;
  let healAt = 0;
  const ready: number[] = [];
  const { attempts, figures } = await underFault('hole', async () => {
    await new Promise((resolve) => setTimeout(resolve, 300));
    holeAt = Date.now();
    proxy.blackhole();
    while (Date.now() - holeAt < BLACKHOLE_MS) {
      ready.push((await fetch(`${system.gateway.url}/readyz`)).status);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    healAt = Date.now();
    proxy.heal();
  });
  // Every answer to a request that was in flight at some moment of the black hole.
  const during = attempts.filter((a: StartAttempt) => a.at < healAt && a.at + a.ms > holeAt);
  const ms = during.map((a) => a.ms);
  printFigures(
    `black hole ${BLACKHOLE_MS / 1000} s`,
    figures,
    `${during.length} answers during it ${statusCounts(during)}, p50 ${percentile(ms, 50)} ms, ` +
      `p99 ${percentile(ms, 99)} ms, max ${percentile(ms, 100)} ms; /readyz ${statusCounts(
        ready.map((status) => ({ status }) as StartAttempt),
      )}`,
  );
  expect(during.filter((a) => a.status !== 503 && a.status !== 201)).toEqual([]);
  // Only a request already waiting on Redis when the hole opened waits out the gateway's command
  // timeout (REDIS_COMMAND_TIMEOUT_MS, 2 s) before its 503; none waits for the hole to end.
  expect(during.filter((a) => a.ms >= ANSWER_WITHIN_MS).map((a) => `${a.status} in ${a.ms} ms`)).toEqual([]);
  expect(ready.slice(1).every((status) => status === 503)).toBe(true);
});

it('every connection reset three times under load: every accepted verification delivered', {
  timeout: 120_000 + N * 30,
}, async () => {
  const { attempts, figures } = await underFault('reset', async () => {
    for (let i = 0; i < 3; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 700));
      proxy.reset();
    }
  });
  printFigures('connections reset x3', figures, `answers ${statusCounts(attempts)}`);
});

it('connections gone silent for good (a forgotten NAT entry): every accepted verification delivered over new ones', {
  timeout: 120_000 + N * 30,
}, async () => {
  const { attempts, figures } = await underFault('silent', async () => {
    await new Promise((resolve) => setTimeout(resolve, 300));
    proxy.silence();
  });
  printFigures('connections silenced', figures, `answers ${statusCounts(attempts)}`);
});

it(`${LATENCY_MS} ms of latency each way: every verification accepted and delivered, none refused`, {
  timeout: 120_000 + N * 30,
}, async () => {
  proxy.latency(LATENCY_MS);
  try {
    const { attempts, figures } = await underFault('slow', async () => {});
    printFigures(
      `latency ${LATENCY_MS} ms each way`,
      figures,
      `answers ${statusCounts(attempts)}, p50 ${percentile(
        attempts.map((a) => a.ms),
        50,
      )} ms`,
    );
    expect(figures.accepted).toBe(N);
  } finally {
    proxy.latency(0);
  }
});
