/**
 * Japanese mobile-carrier mail ("キャリアメール"). These servers commonly reject mail from PCs, mail
 * with links, or any sender the user has not allow-listed, so codes silently fail to arrive. We still
 * send, but warn the caller so it can suggest an SMS fallback or an allow-list step.
 */
import domains from './data/carrier-mail-domains.json' with { type: 'json' };
import type { Destination } from './types.ts';

/**
 * The carrier-mail domains, from `data/carrier-mail-domains.json` (each entry there names the carrier
 * and, for legacy domains, their history). Each matches the domain itself and any subdomain (e.g.
 * `d.vodafone.ne.jp`, `biz.ezweb.ne.jp`). Adding one is a line in that file.
 */
export const CARRIER_MAIL_DOMAINS: readonly string[] = domains.map((d) => d.domain);

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
