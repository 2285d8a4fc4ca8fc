import { describe, expect, it } from 'vitest';
import { constantTimeEqual, deriveKeys, generateCode, hashCode } from './code.ts';

describe('generateCode', () => {
  it('returns exactly `length` ASCII digits for every allowed length', () => {
    for (let length = 4; length <= 10; length++) {
      expect(generateCode(length)).toMatch(new RegExp(`^[0-9]{${length}}$`));
    }
  });

  it('rejects lengths outside 4..10 and non-integers', () => {
    for (const length of [0, 3, 11, 6.5, Number.NaN]) {
      expect(() => generateCode(length)).toThrow(RangeError);
    }
  });

  it('uses every digit in every position, roughly uniformly', () => {
    const counts = Array.from({ length: 6 }, () => new Array<number>(10).fill(0));
    const rounds = 5000;
    for (let i = 0; i < rounds; i++) {
      for (const [pos, ch] of Array.from(generateCode(6)).entries()) {
        const row = counts[pos];
        if (row !== undefined) row[Number(ch)] = (row[Number(ch)] ?? 0) + 1;
      }
    }
    // Expected 500 per cell; ±150 is > 7 standard deviations, so this never flakes on a fair source.
    for (const row of counts) for (const n of row) expect(Math.abs(n - rounds / 10)).toBeLessThan(150);
  });

  it('does not repeat itself', () => {
    const codes = new Set(Array.from({ length: 1000 }, () => generateCode(10)));
    expect(codes.size).toBeGreaterThan(995);
  });
});

describe('deriveKeys', () => {
  it('derives three distinct 32-byte keys, stable for the same secret', () => {
    const a = deriveKeys('a server secret that is long enough');
    const b = deriveKeys('a server secret that is long enough');
    expect(a.codeHmac).toHaveLength(32);
    expect(a.seal).toHaveLength(32);
    expect(a.lookup).toHaveLength(32);
    expect(new Set([a.codeHmac, a.seal, a.lookup].map((k) => k.toString('hex'))).size).toBe(3);
    expect(a.seal.equals(b.seal)).toBe(true);
    expect(deriveKeys('another secret').seal.equals(a.seal)).toBe(false);
  });

  it('refuses an empty secret', () => {
    expect(() => deriveKeys('')).toThrow(RangeError);
  });
});

describe('hashCode', () => {
  const key = deriveKeys('secret').codeHmac;

  it('is a hex HMAC that is stable for the same id and code', () => {
    const h = hashCode(key, 'ver_1', '123456');
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(hashCode(key, 'ver_1', '123456')).toBe(h);
  });

  it('differs by verification id, by code and by key', () => {
    const h = hashCode(key, 'ver_1', '123456');
    expect(hashCode(key, 'ver_2', '123456')).not.toBe(h);
    expect(hashCode(key, 'ver_1', '123457')).not.toBe(h);
    expect(hashCode(deriveKeys('other').codeHmac, 'ver_1', '123456')).not.toBe(h);
  });
});

describe('constantTimeEqual', () => {
  it('answers true for equal strings and false for different ones', () => {
    expect(constantTimeEqual('abc123', 'abc123')).toBe(true);
    expect(constantTimeEqual('abc123', 'abc124')).toBe(false);
    expect(constantTimeEqual('', '')).toBe(true);
  });

  it('answers false on a length mismatch without throwing', () => {
    expect(constantTimeEqual('abc', 'abcd')).toBe(false);
    expect(constantTimeEqual('', 'a')).toBe(false);
  });
});
