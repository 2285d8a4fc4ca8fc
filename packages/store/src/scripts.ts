import { readFileSync } from 'node:fs';
import type { RedisConnection } from './connection.ts';

/**
 * The store's Lua scripts, registered on a connection with ioredis `defineCommand` (EVALSHA, falling
 * back to EVAL after a script flush). Each script lives in `lua/<name>.lua`, headed with its KEYS,
 * ARGV and replies; shared functions live in `lua/includes/` and are pulled in, BullMQ-style, by a
 * `--- @include "includes/<name>"` line.
 */

const INCLUDE = /^--- @include "([\w/]+)"$/gm;

function readLua(name: string): string {
  return readFileSync(new URL(`./lua/${name}.lua`, import.meta.url), 'utf8');
}

function loadScript(name: string): string {
  return readLua(name).replace(INCLUDE, (_line, include: string) => readLua(include));
}

/** How many keys a script takes: a fixed count, or 'variable' (one per limit rule, say). */
type KeyCount = number | 'variable';

function script(name: string, numberOfKeys: KeyCount): { lua: string; numberOfKeys: KeyCount } {
  return { lua: loadScript(name), numberOfKeys };
}

/** Each script, with how many keys it takes (as its header lists them). */
const SCRIPTS = {
  create: script('create', 3),
  check: script('check', 3),
  finish: script('finish', 3),
  append: script('append', 2),
  markAccepted: script('markAccepted', 3),
  markSendFailed: script('markSendFailed', 2),
  advance: script('advance', 3),
  receipt: script('receipt', 3),
  claimReceipt: script('claimReceipt', 1),
  releaseReceipt: script('releaseReceipt', 1),
  circuitAllow: script('circuitAllow', 1),
  circuitRecord: script('circuitRecord', 1),
  healthRecord: script('healthRecord', 1),
  healthRoute: script('healthRoute', 1),
  refuse: script('refuse', 3),
  refusalQuota: script('refusalQuota', 1),
  admit: script('admit', 'variable'),
  admitRefund: script('admitRefund', 'variable'),
  pendingConfirm: script('pendingConfirm', 1),
  chargeSend: script('chargeSend', 'variable'),
  idempotencyBegin: script('idempotencyBegin', 1),
  idempotencyComplete: script('idempotencyComplete', 1),
  idempotencyAbandon: script('idempotencyAbandon', 1),
  spendCharge: script('spendCharge', 1),
  spendRefund: script('spendRefund', 1),
  prefixStart: script('prefixStart', 4),
  prefixApproval: script('prefixApproval', 1),
  indexAdd: script('indexAdd', 1),
  receiptClaim: script('receiptClaim', 1),
  sendAccepted: script('sendAccepted', 2),
};

/** A script of the store. */
export type ScriptName = keyof typeof SCRIPTS;

function commandName(name: string): string {
  return `sendcodeStore_${name}`;
}

/** Runs one script with its keys, in the order its header lists them; parsing the reply is left to the caller. */
export type RunScript = (
  name: ScriptName,
  keys: readonly string[],
  args: readonly (string | number)[],
) => Promise<unknown>;

/**
 * Defines the scripts on `redis` and returns a runner for them. Stores sharing a connection define
 * them once: a command already there holds the same source, so it is reused, not redefined.
 */
export function scriptRunner(redis: RedisConnection): RunScript {
  for (const [name, { lua, numberOfKeys }] of Object.entries(SCRIPTS)) {
    const command = commandName(name);
    if (typeof Reflect.get(redis, command) === 'function') continue;
    // Without numberOfKeys, ioredis takes the key count as the command's first argument.
    redis.defineCommand(command, numberOfKeys === 'variable' ? { lua } : { lua, numberOfKeys });
  }
  return async (name, keys, args) => {
    const { numberOfKeys } = SCRIPTS[name];
    if (numberOfKeys !== 'variable' && keys.length !== numberOfKeys) {
      throw new Error(`the ${name} script takes ${numberOfKeys} keys`);
    }
    const fn: unknown = Reflect.get(redis, commandName(name));
    if (typeof fn !== 'function') throw new Error(`the ${commandName(name)} command is not defined`);
    const head = numberOfKeys === 'variable' ? [keys.length] : [];
    const reply: unknown = await Reflect.apply(fn, redis, [...head, ...keys, ...args]);
    return reply;
  };
}
