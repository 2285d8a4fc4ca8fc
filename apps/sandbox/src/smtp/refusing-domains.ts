/**
 * Carrier mail domains whose default settings refuse "PC mail" outright, so the sink answers them
 * with a 550 as their MX does. Other carrier domains (disney.ne.jp, ymobile.ne.jp, ...) are accepted
 * here and may still be filtered silently on the phone — which is why Sendcode only waits a short
 * while on any carrier-mail step before moving on (packages/policy knows the full list).
 */
const REFUSING_DOMAINS = [
  'docomo.ne.jp',
  'ezweb.ne.jp',
  'au.com',
  'softbank.ne.jp',
  'i.softbank.jp',
] as const;

/** True when the address is at one of those domains or a subdomain of one. */
export function refusesPcMail(address: string): boolean {
  const domain = address.slice(address.lastIndexOf('@') + 1).toLowerCase();
  return REFUSING_DOMAINS.some((carrier) => domain === carrier || domain.endsWith(`.${carrier}`));
}
