import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Whether `sig` is the signature Vonage puts on a signed SMS webhook (SHA-256 HMAC variant): the hex
 * HMAC, keyed with the account's signature secret, of `&name=value` for every parameter but `sig`,
 * sorted by name, with `&` and `=` in values replaced by `_`. Computed here rather than with
 * @vonage/sms's `verifySignature`, which compares with `===`: its time tells a forger how much of a
 * guessed signature is right.
 */
export function isVonageSmsSignature(
  sig: string,
  params: Readonly<Record<string, string>>,
  secret: string,
): boolean {
  const signed = Object.entries(params)
    .filter(([name]) => name !== 'sig')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => `&${name}=${value.replace(/[&=]/g, '_')}`)
    .join('');
  const expected = createHmac('sha256', secret).update(signed, 'utf8').digest('hex');
  // Vonage sends upper-case hex; the case carries nothing, so neither side's case counts.
  return constantTimeEqual(sig.toUpperCase(), expected.toUpperCase());
}

/**
 * Compares two strings' bytes in a time that depends on their lengths only. Strings of different
 * byte lengths are simply unequal (`timingSafeEqual` would throw): the expected length is fixed by
 * the algorithm, so it is no secret.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}
