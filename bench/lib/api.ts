/** What the scenarios send to the gateway, and what they read back from Redis. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { DEFAULT_PREFIX, queuePrefix } from '@sendcode/store';
import type { Redis } from 'ioredis';

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
 * until `stop()`. Slows Redis down: only for the cost scenario, which is not timed. Through
 * `redis-cli`, not ioredis: ioredis's monitor mode loses track of its replies under load ("Command
 * queue state error") and takes the run down with it.
 */
export async function monitorCommands(system: BenchSystem): Promise<{ stop(): CommandSplit }> {
  const cli = spawn('redis-cli', ['-p', String(system.redisServer.port), 'monitor']);
  const split = { client: 0, lua: 0, queue: 0 };
  // The system runs with the default key prefix (bench/lib/system.ts sets none).
  const queueKeys = queuePrefix(DEFAULT_PREFIX);
  const lines = createInterface({ input: cli.stdout });
  // A line: `1712098529.327989 [0 127.0.0.1:62763] "get" "key"`, or `[0 lua]` inside a script.
  lines.on('line', (line) => {
    const match = /^\d+\.\d+ \[\d+ (\S+)\] (.*)$/.exec(line);
    if (!match) return;
    const args = [...(match[2] ?? '').matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1] ?? '');
    if (match[1] === 'lua') split.lua++;
    else split.client++;
    const key = String(args[0]).toLowerCase().startsWith('eval') ? args[3] : args[1];
    if (key?.startsWith(queueKeys)) split.queue++;
  });
  await once(lines, 'line'); // MONITOR's own "OK": watching from here on
  return {
    stop() {
      cli.kill();
      return { ...split };
    },
  };
}
