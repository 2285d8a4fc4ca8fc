import { afterAll, beforeAll, expect, it } from 'vitest';
import { type RedisServer, startRedisServer } from '../helpers/redis-server.ts';
import { volumeSettingsFile } from '../helpers/settings.ts';
import { startTestSystem, type TestSystem } from '../helpers/system.ts';

/**
 * Redis restarts (AOF, everysec) in the middle of a run. Every verification accepted before it lost
 * nothing; gateway and workers reconnect by themselves and finish the work.
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
  for (let i = 0; i < N; i += 50) {
    const answers = await Promise.all(
      destinations.slice(i, i + 50).map((to) => system.api('POST', '/v1/verifications', { to })),
    );
    expect(answers.every((answer) => answer.status === 201)).toBe(true);
  }
  await redis.kill();
  const deliveredAtRestart = new Set(system.sandbox.messages().map((m) => m.to)).size;
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  await redis.start();

  const deadline = Date.now() + 90_000;
  const delivered = () => new Set(system.sandbox.messages().map((m) => m.to));
  while (destinations.some((to) => !delivered().has(to)) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const counts = new Map<string, number>();
  for (const message of system.sandbox.messages()) counts.set(message.to, (counts.get(message.to) ?? 0) + 1);
  const lost = destinations.filter((to) => !counts.has(to)).length;
  const duplicated = [...counts.values()].reduce((sum, count) => sum + count - 1, 0);
  console.log(
    `redis restart: ${N} verifications, ${deliveredAtRestart} delivered before it, lost ${lost}, duplicated ${duplicated}`,
  );
  expect(lost).toBe(0);
});
