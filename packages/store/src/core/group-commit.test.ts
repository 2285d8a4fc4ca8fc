import { describe, expect, it } from 'vitest';
import { groupCommit } from './group-commit.ts';

describe('groupCommit', () => {
  it('writes what comes while a write is on its way in one write after it, one key at a time', async () => {
    const writes: string[] = [];
    let release: () => void = () => {};
    const add = groupCommit(async (key: string, items: readonly number[]) => {
      writes.push(`${key}:${items.join(',')}`);
      if (items[0] === 1) await new Promise<void>((resolve) => (release = resolve));
      return items.map((item) => item * 10);
    });
    const first = add('a', 1);
    await new Promise((resolve) => setImmediate(resolve));
    const later = [add('a', 2), add('a', 3), add('b', 4)];
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).toEqual(['a:1', 'b:4']); // a's second write waits for its first; b's does not
    release();
    expect(await Promise.all([first, ...later])).toEqual([10, 20, 30, 40]);
    expect(writes).toEqual(['a:1', 'b:4', 'a:2,3']);
  });

  it('fails the items of a failed write only, and the next write still goes', async () => {
    const add = groupCommit(async (_key: string, items: readonly string[]) => {
      if (items.includes('bad')) throw new Error('refused');
      return items;
    });
    const failed = add('a', 'bad');
    const alongside = add('a', 'good');
    await expect(failed).rejects.toThrow('refused');
    await expect(alongside).rejects.toThrow('refused');
    expect(await add('a', 'next')).toBe('next');
  });
});
