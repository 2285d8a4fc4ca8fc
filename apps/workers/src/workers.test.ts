import { createLogger, parseEnv } from '@sendcode/runtime';
import { freePort } from '@sendcode/testing';
import { expect, it } from 'vitest';
import { workersEnv } from './config.ts';
import { startWorkers } from './workers.ts';

it('closes at once when Redis is away (a stop must not wait out the kill)', async () => {
  const nobody = await freePort();
  const config = parseEnv(workersEnv, {
    REDIS_URL: `redis://127.0.0.1:${nobody}`,
    SENDCODE_SECRET: 's'.repeat(40),
    WORKERS_METRICS_PORT: '0',
  });
  const workers = await startWorkers(config, createLogger('test', 'silent'));
  // Long enough for the sweeper and the reconciler to be waiting on a command of their own.
  await new Promise((resolve) => setTimeout(resolve, 2_500));
  const started = Date.now();
  await workers.close();
  expect(Date.now() - started).toBeLessThan(2_000);
});
