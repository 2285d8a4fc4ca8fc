/**
 * Phone numbers as we store and dial them: E.164 plus what libphonenumber's full ("max") metadata says
 * about the number's type, which decides whether SMS can reach it at all (landlines cannot).
 */
import type { CountryCode, PhoneNumberType } from 'libphonenumber-js';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { PhoneDestination, PhoneType } from './types.ts';

// Record, not a switch on strings: a type libphonenumber adds later becomes a compile error here.
const TYPES: Readonly<Record<PhoneNumberType, PhoneType>> = {
  MOBILE: 'mobile',
  FIXED_LINE: 'fixed_line',
  FIXED_LINE_OR_MOBILE: 'fixed_line_or_mobile',
  VOIP: 'voip',
  TOLL_FREE: 'toll_free',
  PREMIUM_RATE: 'premium_rate',
  SHARED_COST: 'shared_cost',
  PERSONAL_NUMBER: 'personal_number',
  PAGER: 'pager',
  UAN: 'uan',
  VOICEMAIL: 'voicemail',
};

// Only digits, an optional leading '+', and the separators people write numbers with. Allowing no
// letters keeps out vanity numbers (1-800-FLOWERS) and extensions ("ext. 12"), which cannot get an SMS.
const SHAPE = /^\+?[0-9\s\-().\u2010-\u2015\u2212\u30FC]+$/u;
const SEPARATORS = /[\s\-().\u2010-\u2015\u2212\u30FC]/gu;
const MAX_RAW_LENGTH = 40;

/**
 * Parses a phone number (already NFKC-normalised and trimmed). Returns undefined unless
 * libphonenumber calls it valid. Without `defaultCountry` the number must be international ('+...'),
 * because guessing a country for a national number can send a code to a stranger.
 */
export function parsePhone(input: string, defaultCountry?: CountryCode): PhoneDestination | undefined {
  if (input.length > MAX_RAW_LENGTH || !SHAPE.test(input)) return undefined;
  const compact = input.replace(SEPARATORS, '');
  if (!compact.startsWith('+') && defaultCountry === undefined) return undefined;
  const parsed =
    defaultCountry === undefined
      ? parsePhoneNumberFromString(compact)
      : parsePhoneNumberFromString(compact, defaultCountry);
  if (parsed === undefined || !parsed.isValid()) return undefined;
  const type = parsed.getType();
  return {
    kind: 'phone',
    address: parsed.number,
    country: parsed.country,
    countryCallingCode: parsed.countryCallingCode,
    type: type === undefined ? 'unknown' : TYPES[type],
  };
}
