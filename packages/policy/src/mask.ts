/**
 * Destinations as people may see them: in API answers, the support console and timelines. Enough for
 * a user or support agent to recognise "yes, that is my number", not enough to contact anyone.
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { Destination } from './types.ts';

const STARS = '***';
// Never show more than this many digits of a national number.
const MAX_SHOWN = 6;
// Always hide at least this many, so short national numbers stay unguessable.
const MIN_HIDDEN = 4;

function maskEmail(address: string, at: number): string {
  // Code points, not UTF-16 units, so a non-ASCII local part is never cut inside a character.
  const local = Array.from(address.slice(0, at));
  const keep = local.length <= 2 ? 1 : 2;
  return `${local.slice(0, keep).join('')}${STARS}${address.slice(at)}`;
}

/**
 * Masks a phone number as `+<country code> <lead>-<stars>-<tail>`, one star per hidden digit,
 * e.g. `+819012345678` → `+81 90-****-5678`. The rule, on the national number of n digits:
 * hide max(4, n − 6) digits, show up to the last 4 and the first (6 − 4 =) 2. So at most 6 national
 * digits ever show, and short numbers show fewer. Simple separators instead of the national format:
 * the same shape in every country is easier to read next to a masked timeline entry.
 */
function maskPhone(address: string, parsed = parsePhoneNumberFromString(address)): string {
  return parsed === undefined
    ? maskNational('', address.replace(/\D/g, ''))
    : maskNational(parsed.countryCallingCode, parsed.nationalNumber);
}

function maskNational(countryCode: string, national: string): string {
  const shown = Math.max(0, Math.min(MAX_SHOWN, national.length - MIN_HIDDEN));
  const tail = Math.min(4, shown);
  const lead = shown - tail;
  const parts = [
    national.slice(0, lead),
    '*'.repeat(national.length - shown),
    national.slice(national.length - tail),
  ].filter((p) => p !== '');
  // Nothing recognisable (not a phone number at all): show nothing rather than the input.
  if (parts.length === 0) return STARS;
  return `${countryCode === '' ? '' : `+${countryCode} `}${parts.join('-')}`;
}

/**
 * Masks a normalised destination: an email keeps the first two characters of its local part (one if
 * the local part has two or fewer) and the whole domain, which support needs to spot carrier mail;
 * anything else is treated as a phone number.
 * e.g. `taro@docomo.ne.jp` → `ta***@docomo.ne.jp`, `+819012345678` → `+81 90-****-5678`.
 */
export function maskDestination(address: string): string {
  const at = address.lastIndexOf('@');
  return at >= 0 ? maskEmail(address, at) : maskPhone(address);
}

/**
 * `maskDestination` of a destination `parseDestination` made, without parsing the number again: a
 * start masks every step of its plan, and the parse is most of the masking's cost.
 */
export function maskParsed(destination: Destination): string {
  const { address } = destination;
  if (destination.kind === 'email') return maskEmail(address, address.lastIndexOf('@'));
  const { countryCallingCode } = destination;
  return maskNational(countryCallingCode, address.slice(1 + countryCallingCode.length));
}

/** What a send needs of its normalised destination (`destinationFacts`). */
export interface DestinationFacts {
  /** As `maskDestination` masks it. */
  readonly masked: string;
  /** A valid phone number's ISO 3166-1 alpha-2 country; undefined for an email address, or a number that is invalid or non-geographic. */
  readonly country: string | undefined;
}

/**
 * The masked form and the country of a normalised destination (E.164, as a plan holds it) from one
 * parse of the number: the parse is most of the cost of either, and a worker needs both for every
 * SMS and call (the timeline's masked `to`, the spend charge's price by country). The country is the
 * one `parseDestination` gives the same number.
 */
export function destinationFacts(address: string): DestinationFacts {
  const at = address.lastIndexOf('@');
  if (at >= 0) return { masked: maskEmail(address, at), country: undefined };
  const parsed = parsePhoneNumberFromString(address);
  return { masked: maskPhone(address, parsed), country: parsed?.isValid() ? parsed.country : undefined };
}
