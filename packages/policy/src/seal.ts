/**
 * Destinations at rest: sealed (AES-256-GCM) while a verification needs them, and findable by a keyed
 * hash afterwards, so support can look a destination up without it being stored in clear.
 */
import { createCipheriv, createDecipheriv, createHmac } from 'node:crypto';
import { publicRandomBytes } from './random.ts';

/**
 * The format version every sealed value starts with. v2 binds each value to its verification and
 * field (associated data); v1 values, which did not, are no longer opened.
 */
export const VERSION = 'v2';
const IV_BYTES = 12;
const TAG_BYTES = 16;

function b64url(bytes: Buffer): string {
  return bytes.toString('base64url');
}

// Node's base64url decoder silently skips bad characters and ignores spare trailing bits; insisting on
// the canonical encoding means any edit to the sealed string is rejected, not just most edits.
function fromB64url(part: string, what: string): Buffer {
  const bytes = Buffer.from(part, 'base64url');
  if (b64url(bytes) !== part) throw new Error(`sealed value has a malformed ${what}`);
  return bytes;
}

/**
 * AES-256-GCM with a fresh random 12-byte IV and `aad` as associated data: `[iv, tag, ciphertext]`,
 * each base64url. The associated data is authenticated, not stored: opening needs the same `aad`.
 */
export function sealParts(key: Buffer, plaintext: string, aad: string): [string, string, string] {
  const iv = publicRandomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [b64url(iv), b64url(cipher.getAuthTag()), b64url(ciphertext)];
}

/**
 * Decrypts the parts `sealParts` made with the same `aad`.
 * @throws Error when a part is malformed, the value was altered, it was sealed for other associated
 *   data, or the key is not the one it was sealed with.
 */
export function openParts(key: Buffer, iv: string, tag: string, ciphertext: string, aad: string): string {
  const ivBytes = fromB64url(iv, 'iv');
  const tagBytes = fromB64url(tag, 'tag');
  if (ivBytes.length !== IV_BYTES || tagBytes.length !== TAG_BYTES)
    throw new Error('sealed value has a bad iv or tag');
  const decipher = createDecipheriv('aes-256-gcm', key, ivBytes, { authTagLength: TAG_BYTES });
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(tagBytes);
  // final() throws "Unsupported state or unable to authenticate data" on tamper or a wrong key.
  return Buffer.concat([decipher.update(fromB64url(ciphertext, 'ciphertext')), decipher.final()]).toString(
    'utf8',
  );
}

const hmac = (key: Buffer, value: string) => createHmac('sha256', key).update(value, 'utf8').digest();

/**
 * Keyed hash of a normalised destination (E.164 or normalised email), for finding verifications by
 * destination: the first 128 bits of its HMAC-SHA256, base64url (22 characters). Keyed, so the hashes
 * cannot be reversed by hashing every phone number. It is part of three Redis key names per start
 * (limit log, pending index, support index), so its length is memory: 22 characters where 64 were
 * save about 0.15 KB per verification.
 */
export function lookupHash(key: Buffer, normalisedDestination: string): string {
  return hmac(key, normalisedDestination).subarray(0, 16).toString('base64url');
}

/**
 * The whole HMAC in hex, the form `lookupHash` had before: searches still try it (`lookupHashes`) so
 * the support index written then is found until its 7 days have passed. Nothing writes it.
 */
export function hexLookupHash(key: Buffer, normalisedDestination: string): string {
  return hmac(key, normalisedDestination).toString('hex');
}
