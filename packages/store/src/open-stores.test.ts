import { keysMatching, testRedis, uniquePrefix } from '@sendcode/testing';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { T0 } from './core/test-support.ts';
import { openStores, type Stores } from './open-stores.ts';

let redis: Redis;
const opened: Stores[] = [];
beforeAll(() => {
  redis = testRedis();
});
afterAll(async () => {
  for (const stores of opened) await stores.queues.close();
  await redis.quit();
});

const health = { bucketMs: 60_000, keepMs: 600_000, ttlMs: 1_200_000 };
const job = { verificationId: 'ver_0123456789abcdef0123456789abcdef', step: 0, send: 1 };

function open(prefix: string): Stores {
  const stores = openStores(redis, prefix, { health, retry: { attempts: 2, backoffMs: 10 } });
  opened.push(stores);
  return stores;
}

/** Writes through several of the stores, as a start and a send would. */
async function use(stores: Stores): Promise<void> {
  await stores.spend.charge('acme', '20250101', 1_000, undefined);
  await stores.watch.watch(job, T0);
  await stores.supportIndex.add('destination', 'a'.repeat(64), job.verificationId, T0);
  await stores.circuit.record('twilio:sms', 'failure', Date.now());
  await stores.queues.add('sms', job);
}

describe('openStores', () => {
  it('wires every store under the one prefix it is given', async () => {
    const prefix = uniquePrefix('open');
    const stores = open(prefix);
    expect(stores.prefix).toBe(prefix);
    await use(stores);
    const keys = await keysMatching(redis, `*${prefix}*`);
    // Spend, support index, circuit, the send watch (tagged by the due set's key) and the queue.
    expect(keys.length).toBeGreaterThanOrEqual(5);
    expect(keys.filter((key) => !key.startsWith(`${prefix}:`) && !key.startsWith(`{${prefix}:`))).toEqual([]);
    expect(await stores.spend.spent('acme', '20250101')).toBe(1_000);
    expect(await stores.watch.size()).toBe(1);
    expect(await stores.queues.has('sms', job)).toBe(true);
  });

  it('two prefixes share nothing: what one deployment stores, the other does not see', async () => {
    const one = open(uniquePrefix('open-a'));
    const other = open(uniquePrefix('open-b'));
    await use(one);
    expect(await other.spend.spent('acme', '20250101')).toBe(0);
    expect(await other.watch.size()).toBe(0);
    expect(await other.queues.has('sms', job)).toBe(false);
    expect((await other.circuit.states(['twilio:sms']))['twilio:sms']).toBe('closed');
  });
});
