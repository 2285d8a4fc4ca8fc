import type { RedisConnection } from '@sendcode/store';
import { eventually, keysMatching, testRedisConnection } from '@sendcode/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestSystem, type TestSystem } from '../helpers/system.ts';

let system: TestSystem;
let redis: RedisConnection;
beforeAll(async () => {
  system = await startTestSystem();
  redis = testRedisConnection();
});
afterAll(async () => {
  await redis.quit();
  await system.close();
});

/** Every key of this system (its own prefix and its queues) with everything it holds, as text. */
async function dump(prefix: string): Promise<string> {
  const keys = [
    ...(await keysMatching(redis, `${prefix}:*`)),
    ...(await keysMatching(redis, `{${prefix}:q}*`)),
  ];
  const parts: string[] = [];
  for (const key of keys) {
    const type = await redis.type(key);
    const value =
      type === 'string'
        ? [await redis.get(key)]
        : type === 'hash'
          ? Object.entries(await redis.hgetall(key)).flat()
          : type === 'list'
            ? await redis.lrange(key, 0, -1)
            : type === 'zset'
              ? await redis.zrange(key, '0', '-1', 'WITHSCORES')
              : type === 'set'
                ? await redis.smembers(key)
                : type === 'stream'
                  ? (await redis.xrange(key, '-', '+')).map((entry) => JSON.stringify(entry))
                  : [];
    parts.push(key, ...value.map(String));
  }
  return parts.join('\n');
}

it('after a batch of verifications, Redis holds no destination and no code in clear anywhere', async () => {
  const batch = [
    { to: 'hanako.at.rest@example.com', end: 'approve' },
    { to: 'jiro.at.rest@example.com', end: 'lock' },
    { to: '+819012390101', end: 'approve' },
    { to: '+819012390102', end: 'cancel' },
    { to: '+819012390103', end: 'pending', channel: 'voice' },
    { to: 'saburo@docomo.ne.jp', end: 'fails' },
    { to: 'shiro.at.rest@example.com', end: 'pending', fallbacks: [{ to: '+819012390104', channel: 'sms' }] },
  ];
  const codes: string[] = [];
  for (const item of batch) {
    const created = await system.api('POST', '/v1/verifications', {
      to: item.to,
      ...(item.channel ? { channel: item.channel } : {}),
      ...(item.fallbacks ? { fallbacks: item.fallbacks } : {}),
    });
    const id = created.body.id;
    if (item.end === 'fails') {
      await eventually(
        async () => (await system.api('GET', `/v1/verifications/${id}`)).body.status,
        (status) => status === 'failed',
      );
      continue;
    }
    const [message] = await system.messagesFor(item.to.toLowerCase());
    const code = message?.code ?? '';
    codes.push(code);
    const path = `/v1/verifications/${id}`;
    if (item.end === 'approve') await system.api('POST', `${path}/checks`, { code });
    if (item.end === 'cancel') await system.api('POST', `${path}/cancel`);
    if (item.end === 'lock') {
      for (let i = 0; i < 5; i++)
        await system.api('POST', `${path}/checks`, { code: code === '000000' ? '1' : '000000' });
    }
  }
  await system.sandbox.receiptsSettled();

  const stored = await dump(system.env.SENDCODE_PREFIX ?? '');
  expect(stored.length).toBeGreaterThan(1_000);
  const forms = batch.flatMap((item) => {
    const to = item.to.toLowerCase();
    if (to.includes('@')) return [to, to.split('@')[0] ?? to];
    return [to, to.slice(1), `0${to.slice(3)}`];
  });
  for (const form of forms) expect(stored.toLowerCase()).not.toContain(form);
  for (const code of codes) expect(stored).not.toMatch(new RegExp(`(?<![0-9])${code}(?![0-9])`));
});
