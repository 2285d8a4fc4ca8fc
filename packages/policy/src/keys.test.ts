import { describe, expect, it } from 'vitest';
import { deriveKeys, hashCode } from './code.ts';
import { createKeyRing, lookupHashes, openWith, sealWith } from './keys.ts';
import { hexLookupHash, lookupHash } from './seal.ts';

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
  const plan = { verificationId: 'ver_a', field: 'plan' } as const;

  it('names the current key and round-trips', () => {
    const sealed = sealWith(ring, 'taro@docomo.ne.jp', plan);
    expect(sealed).toMatch(
      new RegExp(`^v2\\.${ring.current.id}\\.[A-Za-z0-9_-]{16}\\.[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]+$`),
    );
    expect(openWith(ring, sealed, plan)).toBe('taro@docomo.ne.jp');
  });

  it('opens values sealed under a previous secret after a rotation', () => {
    const sealed = sealWith(createKeyRing('old secret'), '+819012345678', plan);
    expect(openWith(ring, sealed, plan)).toBe('+819012345678');
    expect(() => openWith(createKeyRing('new secret'), sealed, plan)).toThrow(/not on the key ring/);
  });

  it('binds each value to its verification and field: copied elsewhere, it does not open', () => {
    const sealed = sealWith(ring, '+819012345678', plan);
    expect(() => openWith(ring, sealed, { verificationId: 'ver_b', field: 'plan' })).toThrow();
    expect(() => openWith(ring, sealed, { verificationId: 'ver_a', field: 'code' })).toThrow();
  });

  it('throws when the value was altered or is malformed', () => {
    const sealed = sealWith(ring, 'taro@docomo.ne.jp', plan);
    const parts = sealed.split('.');
    const otherId = ring.previous[0]?.id ?? '';
    expect(() => openWith(ring, [parts[0], otherId, ...parts.slice(2)].join('.'), plan)).toThrow();
    for (const bad of ['', 'v2', 'v2.a.b.c.d', `${sealed}.x`, sealed.replace(/^v2/, 'v1')]) {
      expect(() => openWith(ring, bad, plan)).toThrow();
    }
  });
});

/**
 * Known answers: stored data is only readable while these stay the same. A refactor that changes
 * any of them makes every sealed value, code hash and lookup index in Redis unreadable.
 */
describe('known answers', () => {
  const secret = 'known-answer secret';
  const id = 'ver_00000000000000000000000000000000';

  it('key derivation', () => {
    const keys = deriveKeys(secret);
    expect(keys.seal.toString('hex')).toBe(
      '0e8591e89e765a48d6ec5be257df178de7f50191763dd39696c159b3813f3a58',
    );
    expect(keys.codeHmac.toString('hex')).toBe(
      'e8203455e301287aa1502fc75cbff6ca562dde82063ea33367d4e6e12f4eeb84',
    );
    expect(keys.lookup.toString('hex')).toBe(
      '7c3d9edf6b583bc94eb84d4e004f2cac4145c1287d2f3672b7ff145ab90e595c',
    );
    expect(createKeyRing(secret).current.id).toBe('e97c35fd');
  });

  it('the code HMAC and the lookup hash', () => {
    const keys = deriveKeys(secret);
    expect(hashCode(keys.codeHmac, id, '123456')).toBe(
      '3224facc76cbe9a59bacf377b77e2ae1990dfb0f651fbd72d55d80fd1ba92ed6',
    );
    expect(lookupHash(keys.lookup, '+819012345678')).toBe('r0nd_HwXGhexW09C1WudeA');
  });

  it('a value sealed by an earlier build still opens', () => {
    const sealed =
      'v2.e97c35fd.aYPWsrImkAD15D1D.fHBTrvSoC1i7IxgMK9Q4gA.owb1ExkOoCFHzK7Sz1iwXn3xVQybI4cIhYADNh7nuOuDZ5gy6WkLuA';
    expect(openWith(createKeyRing(secret), sealed, { verificationId: id, field: 'plan' })).toBe(
      '[{"channel":"sms","to":"+819012345678"}]',
    );
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
