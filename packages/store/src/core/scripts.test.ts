import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { testRedis, uniquePrefix } from '@sendcode/testing';
import type { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
// Every component, so that every script of the store is loaded.
import '../index.ts';
import { declaredKeys, type KeyCount, loadedScripts, loadScripts, scriptRunner } from './scripts.ts';

const SRC = fileURLToPath(new URL('../', import.meta.url));
const INCLUDES = 'lua-includes';

/** Every file under `src/` ending in `extension`, as paths relative to it. */
function filesOf(extension: string, dir = SRC): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return filesOf(extension, path);
    return entry.name.endsWith(extension) ? [relative(SRC, path)] : [];
  });
}

const scriptFiles = filesOf('.lua').filter((file) => !file.startsWith(`${INCLUDES}/`));
const nameOf = (file: string) => file.replace(/^.*\/|\.lua$/g, '');

/** The body of a script: what follows its header, before includes are expanded. */
function bodyOf(source: string): string {
  return source.slice(source.indexOf('\n]]') + 3);
}

/** How many keys a literal array passed to `run('<name>', [...]` holds, for each such call in `source`. */
function literalKeyCounts(source: string): { name: string; count: number }[] {
  return [...source.matchAll(/\brun\(\s*'(\w+)',\s*\[([^\]]*)\]/g)].map(([, name = '', list = '']) => {
    let depth = 0;
    let count = list.trim() === '' ? 0 : 1;
    for (const char of list) {
      if (char === '(') depth += 1;
      else if (char === ')') depth -= 1;
      else if (char === ',' && depth === 0) count += 1;
    }
    return { name, count };
  });
}

function accepts(keys: KeyCount, count: number): boolean {
  return 'exactly' in keys ? count === keys.exactly : count >= keys.atLeast;
}

describe('the store scripts', () => {
  it('are each loaded by the component beside them, their key count read from their header', () => {
    expect(scriptFiles.length).toBeGreaterThan(20);
    const loaded = loadedScripts();
    for (const file of scriptFiles) {
      const script = loaded.get(nameOf(file));
      expect(script?.file, file).toBe(join(SRC, file));
      expect(script?.keys).toEqual(declaredKeys(file, readFileSync(join(SRC, file), 'utf8')));
    }
    const ours = [...loaded.values()].filter((script) => script.file.startsWith(SRC));
    expect(ours).toHaveLength(scriptFiles.length);
  });

  it('use the keys their header declares, and only variable ones count them', () => {
    for (const file of scriptFiles) {
      const source = readFileSync(join(SRC, file), 'utf8');
      const keys = declaredKeys(file, source);
      const body = bodyOf(source);
      const used = [...body.matchAll(/KEYS\[(\d+)\]/g)].map(([, index]) => Number(index));
      const highest = Math.max(0, ...used);
      if ('exactly' in keys) expect(highest, file).toBe(keys.exactly);
      else expect(highest, file).toBeLessThanOrEqual(keys.atLeast);
      expect(body.includes('#KEYS'), file).toBe('atLeast' in keys);
    }
  });

  it('are called with as many keys as their header declares, where the call lists them', () => {
    const loaded = loadedScripts();
    const calls = filesOf('.ts')
      .filter((file) => !file.endsWith('.test.ts'))
      .flatMap((file) => literalKeyCounts(readFileSync(join(SRC, file), 'utf8')));
    expect(calls.length).toBeGreaterThan(10);
    for (const { name, count } of calls) {
      const keys = loaded.get(name)?.keys;
      expect(keys, name).toBeDefined();
      if (keys) expect(accepts(keys, count), `${name} called with ${count} keys`).toBe(true);
    }
  });
});

describe('declaredKeys', () => {
  const header = (...lines: string[]) =>
    `--[[\n  What it does.\n\n  Input:\n${lines.join('\n')}\n]]\nreturn 1\n`;

  it('counts fixed keys, and the fixed keys before a variable run', () => {
    expect(declaredKeys('a', header('    KEYS[1] one', '    KEYS[2] two', '    ARGV[1] x'))).toEqual({
      exactly: 2,
    });
    expect(declaredKeys('b', header('    KEYS[1]     one', '    KEYS[2...]  the rest'))).toEqual({
      atLeast: 1,
    });
    expect(declaredKeys('c', header('    KEYS[1...] all of them'))).toEqual({ atLeast: 0 });
  });

  it('refuses a malformed header, naming the script', () => {
    expect(() => declaredKeys('noHeader', 'return KEYS[1]\n')).toThrow(/noHeader script's header/);
    expect(() => declaredKeys('noKeys', header('    ARGV[1] x'))).toThrow(/noKeys.*no KEYS/);
    expect(() => declaredKeys('gap', header('    KEYS[1] a', '    KEYS[3] c'))).toThrow(
      /gap.*KEYS\[3\] where KEYS\[2\]/,
    );
    expect(() => declaredKeys('late', header('    KEYS[1...] a', '    KEYS[2] b'))).toThrow(/late.*last/);
  });
});

describe('loadScripts and scriptRunner', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sendcode-scripts-'));
  mkdirSync(join(dir, 'component'));
  mkdirSync(join(dir, 'includes'));
  const base = pathToFileURL(join(dir, 'component', 'index.ts')).href;
  writeFileSync(join(dir, 'includes', 'pair.lua'), 'local function pair(a, b) return { a, b } end\n');
  writeFileSync(
    join(dir, 'component', 'testPair.lua'),
    `--[[\n  Input:\n    KEYS[1] a\n    KEYS[2] b\n]]\n--- @include "../includes/pair"\nreturn pair(KEYS[2], ARGV[1])\n`,
  );
  writeFileSync(
    join(dir, 'component', 'testCount.lua'),
    `--[[\n  Input:\n    KEYS[1] first\n    KEYS[2...] more\n]]\nreturn #KEYS\n`,
  );
  const redis: Redis = testRedis();
  afterAll(() => redis.quit());

  it('expands includes and runs fixed and variable scripts with their keys', async () => {
    const run = scriptRunner(redis, loadScripts(base, ['testPair', 'testCount']));
    const prefix = uniquePrefix('scripts');
    expect(await run('testPair', [`${prefix}:a`, `${prefix}:b`], ['x'])).toEqual([`${prefix}:b`, 'x']);
    expect(await run('testCount', [`${prefix}:a`, `${prefix}:b`, `${prefix}:c`], [])).toBe(3);
    expect(await run('testCount', [`${prefix}:a`], [])).toBe(1);
  });

  it('refuses a call with other keys than the header declares, before Redis sees it', async () => {
    const run = scriptRunner(redis, loadScripts(base, ['testPair', 'testCount']));
    await expect(run('testPair', ['a'], [])).rejects.toThrow('the testPair script takes 2 keys');
    await expect(run('testCount', [], [])).rejects.toThrow('the testCount script takes at least 1 keys');
  });

  it('fails loudly, naming the script, on a missing file or include, or a name taken twice', () => {
    expect(() => loadScripts(base, ['testMissing'])).toThrow(/the testMissing script: cannot read/);
    writeFileSync(
      join(dir, 'component', 'testBadInclude.lua'),
      `--[[\n    KEYS[1] a\n]]\n--- @include "../includes/nothing"\nreturn 1\n`,
    );
    expect(() => loadScripts(base, ['testBadInclude'])).toThrow(/the testBadInclude script: cannot read/);
    mkdirSync(join(dir, 'other'));
    writeFileSync(join(dir, 'other', 'testCount.lua'), `--[[\n    KEYS[1] a\n]]\nreturn 2\n`);
    const otherBase = pathToFileURL(join(dir, 'other', 'index.ts')).href;
    expect(() => loadScripts(otherBase, ['testCount'])).toThrow(/two scripts are named testCount/);
  });
});
