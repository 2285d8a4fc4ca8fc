import { describe, expect, it } from 'vitest';
import { deriveKeys } from './code.ts';
import { createKeyRing, lookupHashes, openWith, sealWith } from './keys.ts';
import { hexLookupHash, lookupHash, seal } from './seal.ts';

const ring = createKeyRing('new secret', ['old secret', 'older secret']);

describe('createKeyRing', () => {
  it('derives each secret’s keys and a short id that is not a piece of any key', () => {
    expect(ring.current).toMatchObject(deriveKeys('new secret'));
    expect(ring.current.id).toMatch(/^[0-9a-f]{8}$/);
    expect(ring.previous.map((k) => k.id)).toEqual([
      createKeyRing('old secret').current.id,
      createKeyRing('older secret').current.id,
    ]);
    const { seal: sealKey, lookup, codeHmac } = ring.current;
    for (const key of [sealKey, lookup, codeHmac]) {
      expect(key.toString('hex').slice(0, 8)).not.toBe(ring.current.id);
    }
  });

  it('finds keys by id', () => {
    const [old] = ring.previous;
    expect(old && ring.byId(old.id)).toBe(old);
    expect(ring.byId(ring.current.id)).toBe(ring.current);
    expect(ring.byId('00000000')).toBeUndefined();
  });

  it('skips empty and repeated secrets', () => {
    const r = createKeyRing('a', ['', 'b', 'a', 'b']);
    expect(r.previous.map((k) => k.id)).toEqual([createKeyRing('b').current.id]);
    expect(createKeyRing('a').previous).toEqual([]);
    expect(() => createKeyRing('')).toThrow(RangeError);
  });
});

describe('sealWith / openWith', () => {
  it('names the current key and round-trips', () => {
    const sealed = sealWith(ring, 'taro@docomo.ne.jp');
    expect(sealed).toMatch(
      new RegExp(`^v1\\.${ring.current.id}\\.[A-Za-z0-9_-]{16}\\.[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]+$`),
    );
    expect(openWith(ring, sealed)).toBe('taro@docomo.ne.jp');
  });

  it('opens values sealed under a previous secret after a rotation', () => {
    const before = createKeyRing('old secret');
    const sealed = sealWith(before, '+819012345678');
    expect(openWith(ring, sealed)).toBe('+819012345678');
    expect(() => openWith(createKeyRing('new secret'), sealed)).toThrow(/not on the key ring/);
  });

  it('opens the old format without a key id with any key on the ring', () => {
    expect(openWith(ring, seal(ring.current.seal, 'a'))).toBe('a');
    expect(openWith(ring, seal(deriveKeys('older secret').seal, 'b'))).toBe('b');
    expect(() => openWith(ring, seal(deriveKeys('stranger').seal, 'c'))).toThrow();
  });

  it('throws when the value was altered or is malformed', () => {
    const sealed = sealWith(ring, 'taro@docomo.ne.jp');
    const parts = sealed.split('.');
    const otherId = ring.previous[0]?.id ?? '';
    expect(() => openWith(ring, [parts[0], otherId, ...parts.slice(2)].join('.'))).toThrow();
    for (const bad of ['', 'v1', 'v2.a.b.c.d', `${sealed}.x`, sealed.replace(/^v1/, 'v2')]) {
      expect(() => openWith(ring, bad)).toThrow();
    }
  });
});

describe('lookupHashes', () => {
  it('hashes under every key, current first, then the hex form of earlier versions', () => {
    const keys = [ring.current, ...ring.previous];
    expect(lookupHashes(ring, '+819012345678')).toEqual([
      ...keys.map((k) => lookupHash(k.lookup, '+819012345678')),
      ...keys.map((k) => hexLookupHash(k.lookup, '+819012345678')),
    ]);
    expect(new Set(lookupHashes(ring, '+819012345678')).size).toBe(6);
  });
});
