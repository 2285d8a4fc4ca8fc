/**
 * One-time codes: how they are made, how they are stored (as a keyed hash, never in clear) and how a
 * typed code is compared with the stored one without leaking timing.
 */
import { createHash, createHmac, hkdfSync, randomInt, timingSafeEqual } from 'node:crypto';

/** Shortest and longest code we issue (Twilio Verify's range). */
export const CODE_LENGTH_MIN = 4;
export const CODE_LENGTH_MAX = 10;

/**
 * A code of `length` decimal digits, each drawn from the CSPRNG. Leading zeros are kept: the code is a
 * string, so `012345` is as likely as any other six digits.
 * @throws RangeError when `length` is not an integer in 4..10.
 */
export function generateCode(length: number): string {
  if (!Number.isInteger(length) || length < CODE_LENGTH_MIN || length > CODE_LENGTH_MAX) {
    throw new RangeError(`code length must be an integer from ${CODE_LENGTH_MIN} to ${CODE_LENGTH_MAX}`);
  }
  let code = '';
  for (let i = 0; i < length; i++) code += String(randomInt(10));
  return code;
}

/** Independent keys derived from the one server secret, so each use can be rotated or reasoned about alone. */
export interface DerivedKeys {
  /** Keys `hashCode`. */
  readonly codeHmac: Buffer;
  /** Keys `seal` / `open` (AES-256-GCM). */
  readonly seal: Buffer;
  /** Keys `lookupHash`. */
  readonly lookup: Buffer;
}

// Changing any of these strings changes every derived key: stored hashes and sealed data become unreadable.
const HKDF_SALT = 'sendcode/hkdf-salt/v1';
const INFO = {
  codeHmac: 'sendcode/code-hmac/v1',
  seal: 'sendcode/seal/v1',
  lookup: 'sendcode/lookup/v1',
} as const;

function hkdf(secret: string, info: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, HKDF_SALT, info, 32));
}

/**
 * Derives the 32-byte keys with HKDF-SHA256. Distinct `info` strings make the keys independent, so a
 * leaked lookup key says nothing about the code key. The secret itself should be ≥ 32 random bytes;
 * checking that belongs to config validation.
 * @throws RangeError when the secret is empty.
 */
export function deriveKeys(secret: string): DerivedKeys {
  if (secret.length === 0) throw new RangeError('server secret must not be empty');
  return {
    codeHmac: hkdf(secret, INFO.codeHmac),
    seal: hkdf(secret, INFO.seal),
    lookup: hkdf(secret, INFO.lookup),
  };
}

/**
 * HMAC-SHA256 (hex) of `${verificationId}:${code}`. Binding the id in means two verifications with the
 * same code store different hashes, so a dump of Redis cannot be matched across records. Codes are
 * digits only, so the last ':' splits the input unambiguously.
 */
export function hashCode(key: Buffer, verificationId: string, code: string): string {
  return createHmac('sha256', key).update(`${verificationId}:${code}`).digest('hex');
}

/**
 * Compares two strings in constant time. Both are hashed first so the comparison always runs over
 * 32 bytes: inputs of different lengths answer false without throwing and without an early exit that
 * would reveal the expected length.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  const da = createHash('sha256').update(a, 'utf8').digest();
  const db = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(da, db);
}
