import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dkimKeysFromEnv, dkimTxtRecord } from './dkim.ts';

const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
const privatePem = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const publicPem = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
const published = (pem: string) => createPublicKey(pem).export({ type: 'spki', format: 'pem' }).toString();

describe('dkimTxtRecord', () => {
  it('publishes the public half, whichever half it is given', () => {
    const record = dkimTxtRecord(privatePem);
    expect(record).toBe(dkimTxtRecord(publicPem));
    const p = /^v=DKIM1; k=rsa; p=([A-Za-z0-9+/=]+)$/.exec(record)?.[1] ?? '';
    const key = createPublicKey({ key: Buffer.from(p, 'base64'), format: 'der', type: 'spki' });
    expect(key.export({ type: 'spki', format: 'pem' })).toBe(publicPem);
  });
});

describe('dkimKeysFromEnv', () => {
  const named = { DKIM_DOMAIN: 'contoso.example', DKIM_SELECTOR: 'sel1' };

  it('knows no key unless domain, selector and a key are all set', () => {
    expect(dkimKeysFromEnv({})).toEqual([]);
    expect(dkimKeysFromEnv({ ...named, DKIM_PRIVATE_KEY: '' })).toEqual([]);
    expect(dkimKeysFromEnv({ DKIM_SELECTOR: 'sel1', DKIM_PRIVATE_KEY: privatePem })).toEqual([]);
  });

  it('takes the PEM inline, with real or `\\n` newlines, or from a file', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'dkim-')), 'dkim.key');
    writeFileSync(file, privatePem);
    for (const value of [privatePem, privatePem.replaceAll('\n', '\\n'), file]) {
      const [key] = dkimKeysFromEnv({ ...named, DKIM_PRIVATE_KEY: value });
      expect(key).toMatchObject({ domain: 'contoso.example', selector: 'sel1' });
      expect(published(key?.publicKey ?? '')).toBe(publicPem);
    }
  });

  it('prefers DKIM_PUBLIC_KEY when both are set', () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 })
      .publicKey.export({ type: 'spki', format: 'pem' })
      .toString();
    const [key] = dkimKeysFromEnv({ ...named, DKIM_PRIVATE_KEY: privatePem, DKIM_PUBLIC_KEY: other });
    expect(key?.publicKey).toBe(other);
  });
});
