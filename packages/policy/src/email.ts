/**
 * Email addresses as we store and send to them. Lenient on the local part — Japanese carrier addresses
 * such as `taro..x.@docomo.ne.jp` break RFC 5322 yet receive mail — strict on the domain, which must
 * be a real hostname (IDNs converted to punycode).
 */
import { domainToASCII } from 'node:url';
import type { EmailDestination } from './types.ts';

// RFC 5321 limits: 64 for the local part, 254 for a whole forward path.
const MAX_LOCAL = 64;
const MAX_ADDRESS = 254;
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
// Top-level domains are never all digits; this also refuses IPv4 "domains".
const TLD = /^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;
// Whitespace and control/format characters (CR/LF would allow header injection, bidi controls
// allow spoofing), and the characters that need quoting; quoted local parts are refused on purpose.
const BAD_LOCAL = /[\s\p{Cc}\p{Cf}"(),:;<>@[\\\]]/u;

/**
 * Parses an email address (already NFKC-normalised and trimmed). Returns undefined when invalid.
 * Splits at the last '@'; keeps the local part as typed (some servers treat it case-sensitively);
 * lower-cases the domain and converts it to punycode.
 */
export function parseEmail(input: string): EmailDestination | undefined {
  const at = input.lastIndexOf('@');
  const local = input.slice(0, at);
  if (at < 1 || local.length > MAX_LOCAL || BAD_LOCAL.test(local)) return undefined;
  // domainToASCII applies UTS #46 mapping (lower-case, full-width to ASCII) and answers '' when invalid.
  const domain = domainToASCII(input.slice(at + 1).toLowerCase());
  if (domain === '') return undefined;
  const labels = domain.split('.');
  const tld = labels.at(-1);
  if (labels.length < 2 || tld === undefined || !TLD.test(tld) || !labels.every((l) => LABEL.test(l))) {
    return undefined;
  }
  const address = `${local}@${domain}`;
  if (address.length > MAX_ADDRESS) return undefined;
  return { kind: 'email', address, domain };
}
