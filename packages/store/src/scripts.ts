import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';

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

const SOURCES = {
  create: loadScript('create'),
  check: loadScript('check'),
  finish: loadScript('finish'),
  append: loadScript('append'),
};

/** A script of the store. */
export type ScriptName = keyof typeof SOURCES;

/** Every script takes the record hash and the timeline list, in that order. */
const NUMBER_OF_KEYS = 2;

function commandName(name: string): string {
  return `sendcodeStore_${name}`;
}

/** Runs one script with the verification's two keys; parsing the reply is left to the caller. */
export type RunScript = (
  name: ScriptName,
  keys: readonly [record: string, timeline: string],
  args: readonly (string | number)[],
) => Promise<unknown>;

/**
 * Defines the scripts on `redis` and returns a runner for them. Stores sharing a connection define
 * them once: a command already there holds the same source, so it is reused, not redefined.
 */
export function scriptRunner(redis: Redis): RunScript {
  for (const [name, lua] of Object.entries(SOURCES)) {
    const command = commandName(name);
    if (typeof Reflect.get(redis, command) !== 'function') {
      redis.defineCommand(command, { lua, numberOfKeys: NUMBER_OF_KEYS });
    }
  }
  return async (name, keys, args) => {
    const fn: unknown = Reflect.get(redis, commandName(name));
    if (typeof fn !== 'function') throw new Error(`the ${commandName(name)} command is not defined`);
    const reply: unknown = await Reflect.apply(fn, redis, [...keys, ...args]);
    return reply;
  };
}
