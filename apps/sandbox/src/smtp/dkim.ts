import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dkimVerify } from 'mailauth/lib/dkim/verify.js';
import type { SandboxDkimResult } from '../messages.ts';

/**
 * A signing key the sandbox answers DNS for, as if its TXT record were published at
 * `<selector>._domainkey.<domain>`. The sandbox has no DNS of its own: these are all the keys there are.
 */
export interface SandboxDkimKey {
  readonly domain: string;
  readonly selector: string;
  /** PEM. A private key works too: the record carries its public half. */
  readonly publicKey: string;
}

/** The TXT record that publishes a key (RFC 6376 §3.6.1): `v=DKIM1; k=rsa; p=<base64 SPKI>`. */
export function dkimTxtRecord(pem: string): string {
  const der = createPublicKey(pem).export({ type: 'spki', format: 'der' });
  return `v=DKIM1; k=rsa; p=${der.toString('base64')}`;
}

/**
 * A verifier over mailauth (the nodemailer author's DKIM/SPF/DMARC library) whose DNS answers the
 * TXT records of `keys` and nothing else, as an unknown name does (ENOTFOUND).
 */
export function createDkimVerifier(
  keys: readonly SandboxDkimKey[],
): (raw: Buffer) => Promise<SandboxDkimResult> {
  const records = new Map(
    keys.map((key) => [
      `${key.selector}._domainkey.${key.domain}`.toLowerCase(),
      dkimTxtRecord(key.publicKey),
    ]),
  );
  const resolver = async (name: string, type: string): Promise<string[][]> => {
    const record = type === 'TXT' ? records.get(name.toLowerCase().replace(/\.$/, '')) : undefined;
    if (record === undefined)
      throw Object.assign(new Error(`queryTxt ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
    return [[record]];
  };
  return async (raw) => {
    const { results } = await dkimVerify(raw, { resolver });
    if (results.some((result) => result.status.result === 'pass')) return 'pass';
    return results.every((result) => result.status.result === 'none') ? 'none' : 'fail';
  };
}

/**
 * The key the sandbox should know from the environment the workers sign with: `DKIM_DOMAIN`,
 * `DKIM_SELECTOR` and `DKIM_PUBLIC_KEY`, or else the public half of `DKIM_PRIVATE_KEY` (each the PEM,
 * newlines as `\n` allowed, or a path to it). None when any is missing.
 */
export function dkimKeysFromEnv(env: Readonly<Record<string, string | undefined>>): SandboxDkimKey[] {
  const { DKIM_DOMAIN: domain, DKIM_SELECTOR: selector } = env;
  const key = env.DKIM_PUBLIC_KEY || env.DKIM_PRIVATE_KEY;
  if (!domain || !selector || !key) return [];
  const publicKey = key.includes('-----BEGIN') ? key.replaceAll('\\n', '\n') : readFileSync(key, 'utf8');
  return [{ domain, selector, publicKey }];
}
