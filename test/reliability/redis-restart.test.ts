import { type RedisServer, startRedisServer } from '@sendcode/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { volumeSettingsFile } from '../helpers/settings.ts';
import { startTestSystem, type TestSystem } from '../helpers/system.ts';
import { startAll, tallyDeliveries } from '../helpers/tally.ts';

/**
 * Redis restarts (AOF, everysec) in the middle of a run. Every verification accepted before it lost
 * nothing; gateway and workers reconnect by themselves and finish the work, each with its one code.
 */
const N = Number(process.env.RESTART_N ?? 300);
let redis: RedisServer;
let system: TestSystem;

beforeAll(async () => {
  redis = await startRedisServer(['--appendonly', 'yes', '--appendfsync', 'everysec']);
  system = await startTestSystem({
    REDIS_URL: redis.url,
    SENDCODE_SETTINGS: volumeSettingsFile(),
    WORKER_CONCURRENCY: '5',
    WORKER_LOCK_MS: '2000',
  });
});
afterAll(async () => {
  await system.close();
  await redis.stop();
});

it(`a Redis restart mid-run loses none of ${N} accepted verifications`, { timeout: 120_000 }, async () => {
  const destinations = Array.from({ length: N }, (_, i) => `restart${i}@example.com`);
  await startAll(system, destinations);
  await redis.kill();
  const deliveredAtRestart = new Set(system.sandbox.messages().map((m) => m.to)).size;
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  await redis.start();

  const { lost, duplicated } = await tallyDeliveries(system, destinations, 90_000);
  console.log(
    `redis restart: ${N} verifications, ${deliveredAtRestart} delivered before it, lost ${lost}, duplicated ${duplicated}`,
  );
  expect(lost).toBe(0);
});
