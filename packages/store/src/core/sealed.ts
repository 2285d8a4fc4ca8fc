/**
 * Sealed values (@sendcode/policy's `sealWith`: `v2.<keyId>.<iv>.<tag>.<ciphertext>`) are stored
 * without their `v2.<keyId>.` head when the record holds that key id: 12 bytes less per value, which
 * keeps a record's sealed code within the 64 bytes of Redis's compact hash encoding even for a
 * 10-digit code. A stored value that still starts with a version (written before, or sealed by
 * another key or format) is read as it is; the rest of a sealed value is base64url and dots, so it can
 * never look like a head.
 */

const HEAD = /^v\d{1,3}\./;

/** `sealed` as stored: without `v2.<keyId>.` when it has exactly that head. */
export function storedSeal(sealed: string, keyId: string | undefined): string {
  const head = `v2.${keyId}.`;
  return keyId !== undefined && sealed.startsWith(head) ? sealed.slice(head.length) : sealed;
}

/** A stored sealed value as it was sealed: the head put back on a value stored without it. */
export function sealedOf(stored: string, keyId: string | undefined): string {
  return keyId === undefined || HEAD.test(stored) ? stored : `v2.${keyId}.${stored}`;
}
