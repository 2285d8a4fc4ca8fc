import { afterAll, expect, it } from 'vitest';
import { testRedis } from '../helpers/redis.ts';

const redis = testRedis();
afterAll(() => redis.quit());

it('talks to the run’s own redis-server, not the machine’s 6379', async () => {
  expect(await redis.ping()).toBe('PONG');
  expect(redis.options.port).not.toBe(6379);
});
