/**
 * The only links a message may carry, both configured by the operator per client (never by a
 * request): the WebOTP origin an SMS is bound to, and a help page an email may point to. Each must
 * be a plain https address on a domain name — no credentials, no port, no IP address — so what a
 * user sees is where it goes.
 */

/** Result of `checkWebOtpOrigin`: the origin and the host an SMS names, or what is wrong. */
export type WebOtpOriginResult =
  | { readonly ok: true; readonly origin: string; readonly host: string }
  | { readonly ok: false; readonly reason: LinkProblem };

/** Result of `checkHelpUrl`: the normalised URL, or what is wrong with it. */
export type HelpUrlResult =
  | { readonly ok: true; readonly url: string }
  | { readonly ok: false; readonly reason: LinkProblem };

/** Why a configured link was refused. */
export type LinkProblem =
  | 'not_a_url'
  | 'not_https'
  | 'has_credentials'
  | 'has_port'
  | 'not_a_domain'
  | 'not_an_origin';

/** Longest help URL we print; a long URL is hard to read and to compare with the real one. */
export const HELP_URL_MAX_LENGTH = 200;

// The URL parser silently drops tabs and newlines, so they are refused before it sees the input.
const UNSAFE = /[\s\p{Cc}\p{Cf}]/u;
// A host name of at least two labels ending in letters: refuses IP addresses and "localhost".
const DOMAIN = /^(?:(?!-)[a-z0-9-]{1,63}(?<!-)\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;

function parseHttps(input: string): URL | LinkProblem {
  if (UNSAFE.test(input) || !URL.canParse(input)) return 'not_a_url';
  const url = new URL(input);
  if (url.protocol !== 'https:') return 'not_https';
  if (url.username !== '' || url.password !== '') return 'has_credentials';
  if (url.port !== '') return 'has_port';
  if (!DOMAIN.test(url.hostname)) return 'not_a_domain';
  return url;
}

/**
 * Validates the origin SMS codes are bound to for WebOTP (`@host #code` as the last line), e.g.
 * `https://acme.example` → host `acme.example`. Only an origin: no path, query or fragment.
 */
export function checkWebOtpOrigin(input: string): WebOtpOriginResult {
  const url = parseHttps(input);
  if (typeof url === 'string') return { ok: false, reason: url };
  if (
    url.pathname !== '/' ||
    url.search !== '' ||
    url.hash !== '' ||
    input.endsWith('?') ||
    input.endsWith('#')
  ) {
    return { ok: false, reason: 'not_an_origin' };
  }
  return { ok: true, origin: url.origin, host: url.hostname };
}

/** Validates the help page an email may link to, e.g. `https://acme.example/security`. */
export function checkHelpUrl(input: string): HelpUrlResult {
  if (input.length > HELP_URL_MAX_LENGTH) return { ok: false, reason: 'not_a_url' };
  const url = parseHttps(input);
  return typeof url === 'string' ? { ok: false, reason: url } : { ok: true, url: url.href };
}
