/** What the scenarios send to the gateway, and what they read back from Redis. */
import { DEFAULT_PREFIX, queuePrefix } from '@sendcode/store';
import { Redis } from 'ioredis';

import { nextPhone } from './stats.ts';
import type { BenchSystem } from './system.ts';

export const startRequest = (system: BenchSystem) => ({
  url: system.gatewayUrl,
  headers: { authorization: `Bearer ${system.apiKey}` },
  next: () => ({ path: '/v1/verifications', body: { to: nextPhone(), channel: 'sms' } }),
});

/** The `id` of a 201 answer to a start, undefined otherwise. */
export function startedId(status: number, body: string): string | undefined {
  if (status !== 201) return undefined;
  const parsed = JSON.parse(body) as { id?: unknown };
  return typeof parsed.id === 'string' ? parsed.id : undefined;
}

/** Total Redis commands executed so far (INFO commandstats, Lua's inner calls included). */
export async function redisCommands(system: BenchSystem): Promise<number> {
  return commandsRun(system.redis);
}

/** Total commands one Redis server executed so far (INFO commandstats, Lua's inner calls included). */
export async function commandsRun(redis: Redis): Promise<number> {
  const info = await redis.info('commandstats');
  let total = 0;
  for (const match of info.matchAll(/calls=(\d+)/g)) total += Number(match[1]);
  return total;
}

/** Calls per Redis command so far (INFO commandstats), e.g. `{ evalsha: 10, hgetall: 4 }`. */
export async function redisCommandCounts(system: BenchSystem): Promise<Map<string, number>> {
  const info = await system.redis.info('commandstats');
  const counts = new Map<string, number>();
  for (const match of info.matchAll(/cmdstat_([\w|]+):calls=(\d+)/g))
    counts.set(String(match[1]), Number(match[2]));
  return counts;
}

/**
 * Redis memory in use (INFO used_memory) less its clients' buffers (mem_clients_normal): those belong
 * to connections — the cost scenario's MONITOR above all — not to what is stored.
 */
export async function usedMemory(system: BenchSystem): Promise<number> {
  const info = await system.redis.info('memory');
  const field = (name: string) => Number(new RegExp(`${name}:(\\d+)`).exec(info)?.[1] ?? Number.NaN);
  return field('used_memory') - field('mem_clients_normal');
}

/**
 * Bytes (MEMORY USAGE) of the API client's and the number prefixes' limit logs: one entry per start
 * in their window. The benchmark raises those limits so nothing is refused, so the logs keep every
 * start; at the default limits (600 a minute per client, 50 an hour per prefix) they stop there.
 */
export async function raisedLimitLogBytes(system: BenchSystem): Promise<number> {
  let bytes = 0;
  for (const scope of ['client', 'prefix']) {
    const keys = system.redis.scanStream({ match: `${DEFAULT_PREFIX}:rl:*:${scope}:*`, count: 1_000 });
    for await (const batch of keys as AsyncIterable<string[]>) {
      const usage = await system.redis
        .pipeline(batch.map((key) => ['memory', 'USAGE', key, 'SAMPLES', '0']))
        .exec();
      for (const [error, value] of usage ?? []) {
        if (error) throw error;
        bytes += Number(value);
      }
    }
  }
  return bytes;
}

/** Commands counted by `MONITOR`, split by who ran them and whose keys they touched. */
export interface CommandSplit {
  /** Sent by a client: each is one command on the wire (an EVALSHA counts once). */
  readonly client: number;
  /** Run inside Lua scripts (ours and BullMQ's). */
  readonly lua: number;
  /** Of all of them, those on BullMQ's keys (under the queue prefix, `queuePrefix`). */
  readonly queue: number;
}

/**
 * Watches every command Redis runs (`MONITOR`: Redis shows script-run commands with source `lua`)
 * until `stop()`. Slows Redis down: only for the cost scenario, which is not timed.
 */
export async function monitorCommands(system: BenchSystem): Promise<{ stop(): CommandSplit }> {
  const monitor = await new Redis(system.redisServer.url).monitor();
  const split = { client: 0, lua: 0, queue: 0 };
  // The system runs with the default key prefix (bench/lib/system.ts sets none).
  const queueKeys = queuePrefix(DEFAULT_PREFIX);
  monitor.on('monitor', (_time: string, args: string[], source: string) => {
    const command = String(args[0]).toLowerCase();
    if (source === 'lua') split.lua++;
    else split.client++;
    const key = command.startsWith('eval') ? args[3] : args[1];
    if (key?.startsWith(queueKeys)) split.queue++;
  });
  return {
    stop() {
      monitor.disconnect();
      return { ...split };
    },
  };
}
