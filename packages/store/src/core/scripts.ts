import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { RedisConnection } from './connection.ts';

/**
 * The store's Lua scripts, registered on a connection with ioredis `defineCommand` (EVALSHA, falling
 * back to EVAL after a script flush). Each script lives beside the component that runs it, as
 * `<component>/<name>.lua`, and opens, BullMQ-style, with a `--[[ ... ]]` header listing its KEYS, ARGV
 * and replies. The header is also where its key count comes from, one line per key:
 *
 *     KEYS[1] verification hash          a key of its own
 *     KEYS[2...] one log per rule        any number of keys from here on (only as the last entry)
 *
 * Shared functions live in `lua-includes/` and are pulled in by a `--- @include "<path>"` line, the
 * path relative to the script (`"../lua-includes/rows"`).
 */

/** How many keys a script takes, as its header declares them. */
export type KeyCount = { readonly exactly: number } | { readonly atLeast: number };

/** A script ready to define on a connection. */
export interface Script {
  /** Its source, includes expanded. */
  readonly lua: string;
  readonly keys: KeyCount;
  /** The file it was read from. */
  readonly file: string;
}

/** A component's scripts, by name (the name of each file, without `.lua`). */
export type Scripts<N extends string> = Readonly<Record<N, Script>>;

const HEADER = /^--\[\[\n([\s\S]*?)\n\]\]/;
const KEY_ENTRY = /^\s*KEYS\[(\d+)(\.\.\.)?\]/gm;
const INCLUDE = /^--- @include "([\w./-]+)"$/gm;

function malformedHeader(name: string, problem: string): Error {
  return new Error(`the ${name} script's header is malformed: ${problem}`);
}

/**
 * The key count `source`'s header declares: its `KEYS[i]` lines, numbered from 1 in order, the last
 * one possibly `KEYS[i...]`. Throws, naming the script, when the header is missing or lists them
 * otherwise.
 */
export function declaredKeys(name: string, source: string): KeyCount {
  const header = HEADER.exec(source)?.[1];
  if (header === undefined) throw malformedHeader(name, 'the file does not open with a --[[ ... ]] block');
  const entries = [...header.matchAll(KEY_ENTRY)];
  if (entries.length === 0) throw malformedHeader(name, 'it lists no KEYS[i] line');
  let variable = false;
  for (const [i, [, index, more]] of entries.entries()) {
    if (variable) throw malformedHeader(name, 'a KEYS[i...] line must be the last of them');
    if (Number(index) !== i + 1) throw malformedHeader(name, `KEYS[${index}] where KEYS[${i + 1}] was due`);
    variable = more !== undefined;
  }
  return variable ? { atLeast: entries.length - 1 } : { exactly: entries.length };
}

function read(name: string, url: URL): string {
  try {
    return readFileSync(url, 'utf8');
  } catch (cause) {
    throw new Error(`the ${name} script: cannot read ${fileURLToPath(url)}`, { cause });
  }
}

/** Every script loaded in this process, by name: a command is named by its script, so names are unique. */
const loaded = new Map<string, Script>();

function loadScript(name: string, url: URL): Script {
  const source = read(name, url);
  const keys = declaredKeys(name, source);
  const lua = source.replace(INCLUDE, (_line, include: string) => read(name, new URL(`${include}.lua`, url)));
  const script = { lua, keys, file: fileURLToPath(url) };
  const taken = loaded.get(name);
  if (taken && taken.lua !== lua) {
    throw new Error(`two scripts are named ${name}: ${taken.file} and ${script.file}`);
  }
  loaded.set(name, script);
  return script;
}

/**
 * Loads the scripts `names`, each from the file `<name>.lua` beside `base` (the component's
 * `import.meta.url`). Throws, naming the script, when a file cannot be read, its header is malformed,
 * or another component loaded a different script of the same name.
 */
export function loadScripts<const N extends string>(base: string, names: readonly N[]): Scripts<N> {
  return Object.fromEntries(
    names.map((name) => [name, loadScript(name, new URL(`./${name}.lua`, base))]),
  ) as Record<N, Script>;
}

/** Every script loaded so far, by name. */
export function loadedScripts(): ReadonlyMap<string, Script> {
  return loaded;
}

function commandName(name: string): string {
  return `sendcodeStore_${name}`;
}

/** Runs one script with its keys, in the order its header lists them; parsing the reply is left to the caller. */
export type RunScript<N extends string> = (
  name: N,
  keys: readonly string[],
  args: readonly (string | number)[],
) => Promise<unknown>;

function checkKeyCount(name: string, { keys }: Script, count: number): void {
  if ('exactly' in keys && count !== keys.exactly) {
    throw new Error(`the ${name} script takes ${keys.exactly} keys`);
  }
  if ('atLeast' in keys && count < keys.atLeast) {
    throw new Error(`the ${name} script takes at least ${keys.atLeast} keys`);
  }
}

/**
 * Defines `scripts` on `redis` and returns a runner for them. Stores sharing a connection define
 * them once: a command already there holds the same source (names are unique), so it is reused.
 */
export function scriptRunner<N extends string>(redis: RedisConnection, scripts: Scripts<N>): RunScript<N> {
  for (const [name, { lua, keys }] of Object.entries<Script>(scripts)) {
    const command = commandName(name);
    if (typeof Reflect.get(redis, command) === 'function') continue;
    // Without numberOfKeys, ioredis takes the key count as the command's first argument.
    redis.defineCommand(command, 'exactly' in keys ? { lua, numberOfKeys: keys.exactly } : { lua });
  }
  return async (name, keys, args) => {
    const script = scripts[name];
    checkKeyCount(name, script, keys.length);
    const fn: unknown = Reflect.get(redis, commandName(name));
    if (typeof fn !== 'function') throw new Error(`the ${commandName(name)} command is not defined`);
    const head = 'exactly' in script.keys ? [] : [keys.length];
    const reply: unknown = await Reflect.apply(fn, redis, [...head, ...keys, ...args]);
    return reply;
  };
}
