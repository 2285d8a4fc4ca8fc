import { describe, expect, it } from 'vitest';
import { deriveKeys } from './code.ts';
import { hexLookupHash, lookupHash, open, seal } from './seal.ts';

const { seal: key, lookup } = deriveKeys('test secret');

describe('seal / open', () => {
  it('round-trips, including non-ASCII text', () => {
    for (const plaintext of ['+819012345678', 'user@xn--r8jz45g.jp', 'たろう@例え.jp', '']) {
      expect(open(key, seal(key, plaintext))).toBe(plaintext);
    }
  });

  it('uses a fresh IV, so sealing twice gives different strings', () => {
    expect(seal(key, '+819012345678')).not.toBe(seal(key, '+819012345678'));
  });

  it('produces v1.<iv>.<tag>.<ciphertext> in base64url without the plaintext', () => {
    const sealed = seal(key, 'taro@docomo.ne.jp');
    expect(sealed).toMatch(/^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain('taro');
  });

  it('throws when any part is altered', () => {
    const sealed = seal(key, 'taro@docomo.ne.jp');
    const parts = sealed.split('.');
    for (let i = 1; i < parts.length; i++) {
      for (const at of [0, (parts[i] ?? '').length - 1]) {
        const tampered = parts.map((p, j) => (j === i ? flip(p, at) : p)).join('.');
        expect(() => open(key, tampered)).toThrow();
      }
    }
  });

  it('throws with the wrong key and on malformed input', () => {
    const sealed = seal(key, 'taro@docomo.ne.jp');
    expect(() => open(deriveKeys('other secret').seal, sealed)).toThrow();
    for (const bad of ['', 'v1', 'v2.a.b.c', sealed.replace(/^v1/, 'v2'), `${sealed}.extra`]) {
      expect(() => open(key, bad)).toThrow();
    }
  });
});

describe('lookupHash', () => {
  it('is a stable keyed hash that differs by destination and by key', () => {
    const h = lookupHash(lookup, '+819012345678');
    expect(h).toMatch(/^[\w-]{22}$/);
    // The first 128 bits of the HMAC whose whole hex form earlier versions stored.
    expect(Buffer.from(h, 'base64url').toString('hex')).toBe(
      hexLookupHash(lookup, '+819012345678').slice(0, 32),
    );
    expect(lookupHash(lookup, '+819012345678')).toBe(h);
    expect(lookupHash(lookup, '+819012345679')).not.toBe(h);
    expect(lookupHash(deriveKeys('other').lookup, '+819012345678')).not.toBe(h);
  });
});

/** Replaces one base64url character with a different one. */
function flip(s: string, at: number): string {
  const c = s[at] === 'A' ? 'B' : 'A';
  return s.slice(0, at) + c + s.slice(at + 1);
}
