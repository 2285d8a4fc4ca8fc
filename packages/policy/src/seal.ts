/**
 * Destinations at rest: sealed (AES-256-GCM) while a verification needs them, and findable by a keyed
 * hash afterwards, so support can look a destination up without it being stored in clear.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

/** The format version every sealed value starts with. */
export const VERSION = 'v1';
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

/** AES-256-GCM with a fresh random 12-byte IV: `[iv, tag, ciphertext]`, each base64url. */
export function sealParts(key: Buffer, plaintext: string): [string, string, string] {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [b64url(iv), b64url(cipher.getAuthTag()), b64url(ciphertext)];
}

/**
 * Decrypts the parts `sealParts` made.
 * @throws Error when a part is malformed, the value was altered, or the key is not the one it was sealed with.
 */
export function openParts(key: Buffer, iv: string, tag: string, ciphertext: string): string {
  const ivBytes = fromB64url(iv, 'iv');
  const tagBytes = fromB64url(tag, 'tag');
  if (ivBytes.length !== IV_BYTES || tagBytes.length !== TAG_BYTES)
    throw new Error('sealed value has a bad iv or tag');
  const decipher = createDecipheriv('aes-256-gcm', key, ivBytes, { authTagLength: TAG_BYTES });
  decipher.setAuthTag(tagBytes);
  // final() throws "Unsupported state or unable to authenticate data" on tamper or a wrong key.
  return Buffer.concat([decipher.update(fromB64url(ciphertext, 'ciphertext')), decipher.final()]).toString(
    'utf8',
  );
}

/**
 * Encrypts `plaintext` (UTF-8) with a fresh random 12-byte IV. Output: `v1.<iv>.<tag>.<ciphertext>`,
 * each part base64url. The version prefix lets a later format coexist with stored v1 values.
 * `sealWith` (keys.ts) adds the key id, for key rotation.
 * @param key 32 bytes, e.g. `deriveKeys(secret).seal`.
 */
export function seal(key: Buffer, plaintext: string): string {
  return [VERSION, ...sealParts(key, plaintext)].join('.');
}

/**
 * Decrypts a value made by `seal`.
 * @throws Error when the format is wrong, the value was altered, or the key is not the one it was sealed with.
 */
export function open(key: Buffer, sealed: string): string {
  const parts = sealed.split('.');
  const [version, iv, tag, ciphertext] = parts;
  if (
    parts.length !== 4 ||
    version !== VERSION ||
    iv === undefined ||
    tag === undefined ||
    ciphertext === undefined
  ) {
    throw new Error('sealed value is not in the v1 format');
  }
  return openParts(key, iv, tag, ciphertext);
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
