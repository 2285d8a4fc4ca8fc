import { describe, expect, it } from 'vitest';
import { deriveKeys } from './code.ts';
import { hexLookupHash, lookupHash, openParts, sealParts } from './seal.ts';

const { seal: key, lookup } = deriveKeys('test secret');

describe('sealParts / openParts', () => {
  const aad = 'sendcode/plan/ver_a';
  const sealed = (plaintext: string) => sealParts(key, plaintext, aad);
  const opened = ([iv, tag, ciphertext]: string[], withAad = aad) =>
    openParts(key, iv ?? '', tag ?? '', ciphertext ?? '', withAad);

  it('round-trips, including non-ASCII text', () => {
    for (const plaintext of ['+819012345678', 'user@xn--r8jz45g.jp', 'たろう@例え.jp', '']) {
      expect(opened(sealed(plaintext))).toBe(plaintext);
    }
  });

  it('uses a fresh IV, so sealing twice gives different parts, none holding the plaintext', () => {
    expect(sealed('+819012345678')).not.toEqual(sealed('+819012345678'));
    expect(sealed('taro@docomo.ne.jp').join('.')).not.toContain('taro');
  });

  it('throws when any part is altered, for other associated data, or with the wrong key', () => {
    const parts = sealed('taro@docomo.ne.jp');
    for (let i = 0; i < parts.length; i++) {
      for (const at of [0, (parts[i] ?? '').length - 1]) {
        expect(() => opened(parts.map((p, j) => (j === i ? flip(p, at) : p)))).toThrow();
      }
    }
    expect(() => opened(parts, 'sendcode/plan/ver_b')).toThrow();
    const [iv = '', tag = '', ciphertext = ''] = parts;
    expect(() => openParts(deriveKeys('other secret').seal, iv, tag, ciphertext, aad)).toThrow();
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
