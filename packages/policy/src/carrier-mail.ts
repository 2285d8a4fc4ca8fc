/**
 * Japanese mobile-carrier mail ("キャリアメール"). These servers commonly reject mail from PCs, mail
 * with links, or any sender the user has not allow-listed, so codes silently fail to arrive. We still
 * send, but warn the caller so it can suggest an SMS fallback or an allow-list step.
 */
import type { Destination } from './types.ts';

// Each entry matches the domain itself and any subdomain (e.g. `d.vodafone.ne.jp`, `biz.ezweb.ne.jp`).
const CARRIER_MAIL_DOMAINS: readonly string[] = [
  'docomo.ne.jp', // NTT docomo
  'ezweb.ne.jp', // au (KDDI), legacy
  'au.com', // au (KDDI)
  'uqmobile.jp', // UQ mobile
  'softbank.ne.jp', // SoftBank
  'i.softbank.jp', // SoftBank iPhone
  'vodafone.ne.jp', // SoftBank, legacy regional subdomains
  'disney.ne.jp', // Disney Mobile on SoftBank
  'ymobile.ne.jp', // Y!mobile
  'y-mobile.ne.jp', // Y!mobile, legacy
  'emnet.ne.jp', // EMOBILE, legacy
  'willcom.com', // WILLCOM, legacy
  'pdx.ne.jp', // WILLCOM, legacy
  'rakumail.jp', // Rakuten Mobile
];

/** Whether a (lower-case, punycode) domain belongs to a Japanese carrier's mail service. */
export function isCarrierMailDomain(domain: string): boolean {
  const d = domain.toLowerCase();
  return CARRIER_MAIL_DOMAINS.some((c) => d === c || d.endsWith(`.${c}`));
}

/** Warnings a start answer carries; advisory, never a reason to refuse. */
export type DestinationWarning = 'carrier_mail_domain';

/** The warnings that apply to a destination, e.g. `['carrier_mail_domain']` for `taro@docomo.ne.jp`. */
export function destinationWarnings(d: Destination): DestinationWarning[] {
  return d.kind === 'email' && isCarrierMailDomain(d.domain) ? ['carrier_mail_domain'] : [];
}
