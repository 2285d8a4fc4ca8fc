import {
  hashSlot,
  MAX_QUEUE_SHARDS,
  queuePrefix,
  type RedisConnection,
  receiptDueKey,
  sendWatchKey,
} from '@sendcode/store';
import { testRedisConnection, testRedisUrl } from '@sendcode/testing';
import { Cluster } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestSystem, type TestSystem } from '../helpers/system.ts';

/**
 * Runs under `npm run test:cluster` only (vitest.cluster.config.ts): proves the run really is on a
 * three-master cluster, that the system's state spreads over its shards, and that the keys each
 * multi-key operation touches together share one slot. The end-to-end suites in the same run cover
 * the behaviour.
 */
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

function masters(connection: RedisConnection) {
  if (!(connection instanceof Cluster)) throw new Error('this suite runs on a Redis Cluster only');
  return connection.nodes('master');
}

it('runs on a three-master cluster in state ok', async () => {
  expect(testRedisUrl()).toMatch(/^redis\+cluster:\/\//);
  expect(redis).toBeInstanceOf(Cluster);
  const nodes = masters(redis);
  expect(nodes).toHaveLength(3);
  for (const node of nodes) expect(String(await node.cluster('INFO'))).toContain('cluster_state:ok');
});

it('spreads verifications over the shards, keeps each verification and each queue shard in one slot, and delivers through several queue shards', async () => {
  const ids: string[] = [];
  for (let i = 0; i < 12; i++) {
    const to = `cluster${i}@example.com`;
    const created = await system.api('POST', '/v1/verifications', { to });
    expect(created.status).toBe(201);
    ids.push(created.body.id);
    const [message] = await system.messagesFor(to);
    const checked = await system.api('POST', `/v1/verifications/${created.body.id}/checks`, {
      code: message?.code,
    });
    expect(checked.body).toMatchObject({ valid: true, status: 'approved' });
  }
  const prefix = system.env.SENDCODE_PREFIX ?? '';
  const keysByNode = await Promise.all(
    masters(redis).map(async (node) => [
      ...(await node.keys(`${prefix}:*`)),
      ...(await node.keys(`{${prefix}:q*`)),
    ]),
  );
  // State lives on more than one shard: the cluster is really used, not one node of it.
  expect(keysByNode.filter((keys) => keys.length > 0).length).toBeGreaterThanOrEqual(2);

  const slotOf = async (key: string) => Number(await redis.cluster('KEYSLOT', key));
  for (const id of ids) {
    const keys = keysByNode.flat().filter((key) => key.includes(`{${id}}`));
    expect(keys.length).toBeGreaterThanOrEqual(2);
    expect(new Set(await Promise.all(keys.map(slotOf))).size).toBe(1);
  }
  // The queues are sharded (8 shards by default on a cluster): each shard's keys share one slot, and
  // this run's jobs went through several shards, on more than one master.
  const tagOf = (key: string) => key.slice(0, key.indexOf('}') + 1);
  const queueKeys = keysByNode.flat().filter((key) => key.startsWith(`{${prefix}:q`));
  const tags = [...new Set(queueKeys.map(tagOf))];
  for (const tag of tags) {
    const keys = queueKeys.filter((key) => tagOf(key) === tag);
    expect(new Set(await Promise.all(keys.map(slotOf))).size).toBe(1);
  }
  const used = tags.filter((tag) => queueKeys.includes(`${tag}:deliver-email:events`));
  expect(used.length).toBeGreaterThanOrEqual(2);
  const mastersUsed = keysByNode.filter((keys) =>
    used.some((tag) => keys.includes(`${tag}:deliver-email:events`)),
  );
  expect(mastersUsed.length).toBeGreaterThanOrEqual(2);
});

it("places every queue shard where Redis Cluster hashes its tag, shard 0 at the unsharded queues' keys", async () => {
  const prefix = system.env.SENDCODE_PREFIX ?? '';
  expect(queuePrefix(prefix, 0)).toBe(`{${prefix}:q}`);
  for (let shard = 0; shard < MAX_QUEUE_SHARDS; shard++) {
    const tag = queuePrefix(prefix, shard);
    expect(Number(await redis.cluster('KEYSLOT', tag))).toBe(hashSlot(tag.slice(1, -1)));
  }
});

it("keeps the send watch in the receipt due set's slot, so one script moves an accepted send from one to the other", async () => {
  const prefix = system.env.SENDCODE_PREFIX ?? '';
  const slotOf = async (key: string) => Number(await redis.cluster('KEYSLOT', key));
  expect(await slotOf(sendWatchKey(prefix))).toBe(await slotOf(receiptDueKey(prefix)));
  // Every SMS of this run asked for a receipt: each left the watch as its timeout was scheduled.
  const to = '+819012349999';
  const created = await system.api('POST', '/v1/verifications', { to });
  expect(created.status).toBe(201);
  await system.messagesFor(to);
  const watched = async () => redis.zcard(sendWatchKey(prefix));
  for (let i = 0; i < 200 && (await watched()) > 0; i++) await new Promise((r) => setTimeout(r, 25));
  expect(await watched()).toBe(0);
});
