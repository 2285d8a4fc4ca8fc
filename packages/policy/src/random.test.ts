import { describe, expect, it } from 'vitest';
import { publicRandomBytes } from './random.ts';

describe('publicRandomBytes', () => {
  it('gives the size asked for, larger than a block too', () => {
    for (const size of [0, 1, 12, 16, 4096, 5000]) expect(publicRandomBytes(size)).toHaveLength(size);
  });

  it('never hands out the same bytes twice, across block refills', () => {
    const seen = new Set<string>();
    // 16-byte draws over several 4 KB blocks: a repeat would mean reused (or zeroed) bytes.
    for (let i = 0; i < 2_000; i++) seen.add(publicRandomBytes(16).toString('hex'));
    expect(seen.size).toBe(2_000);
  });

  it('gives copies: a later draw does not change bytes already handed out', () => {
    const first = publicRandomBytes(16);
    const copy = Buffer.from(first);
    for (let i = 0; i < 600; i++) publicRandomBytes(16);
    expect(first.equals(copy)).toBe(true);
  });

  it('looks uniform: every byte value turns up in 64 KB', () => {
    const counts = new Array<number>(256).fill(0);
    for (let i = 0; i < 16; i++)
      for (const byte of publicRandomBytes(4096)) counts[byte] = (counts[byte] ?? 0) + 1;
    // 256 expected per value; below 150 is more than 6 standard deviations off.
    expect(Math.min(...counts)).toBeGreaterThan(150);
  });

  it('refuses a size that is not a non-negative integer', () => {
    expect(() => publicRandomBytes(-1)).toThrow(RangeError);
    expect(() => publicRandomBytes(1.5)).toThrow(RangeError);
  });
});
