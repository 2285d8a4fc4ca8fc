/**
 * The one entry point for "where should the code go?": decides email or phone and normalises either.
 */
import type { CountryCode } from 'libphonenumber-js';
import { parseEmail } from './email.ts';
import { parsePhone } from './phone.ts';
import type { Destination } from './types.ts';

export type { CountryCode } from 'libphonenumber-js';

/** Result of `parseDestination`. */
export type DestinationResult =
  | { readonly ok: true; readonly destination: Destination }
  | { readonly ok: false; readonly reason: 'invalid_phone' | 'invalid_email' };

/**
 * Normalises a destination as a caller sent it. NFKC first, so full-width digits, '＋' and '＠' typed
 * with an IME become ASCII. Anything containing '@' is an email address; everything else is a phone
 * number, which needs a leading '+' unless `defaultCountry` is given.
 */
export function parseDestination(to: string, defaultCountry?: CountryCode): DestinationResult {
  const input = to.normalize('NFKC').trim();
  if (input.includes('@')) {
    const email = parseEmail(input);
    return email === undefined ? { ok: false, reason: 'invalid_email' } : { ok: true, destination: email };
  }
  const phone = parsePhone(input, defaultCountry);
  return phone === undefined ? { ok: false, reason: 'invalid_phone' } : { ok: true, destination: phone };
}

/**
 * The one form of a destination that limits, the pending index and the support index are keyed by:
 * an email address lower-cased whole (mail servers treat local parts case-insensitively in practice,
 * so `Victim@x` and `victim@x` are one inbox and one limit); E.164 numbers as they are. Sending still
 * uses the address as typed.
 */
export function canonicalDestination(normalisedAddress: string): string {
  return normalisedAddress.includes('@') ? normalisedAddress.toLowerCase() : normalisedAddress;
}
