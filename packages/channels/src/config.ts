import { BlockList, isIP } from 'node:net';
import { z } from 'zod';

/** How long one provider call may take before it counts as a timeout (retryable). */
export const timeoutMs = z.number().int().positive().default(10_000);

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** Whether a URL's hostname (as `URL` gives it: normalised, IPv6 in brackets) is this machine. */
function isLoopback(hostname: string): boolean {
  if (hostname === 'localhost') return true;
  const address = hostname.replace(/^\[(.*)\]$/, '$1');
  const family = isIP(address);
  return family !== 0 && LOOPBACK.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** Why a base URL is refused: the message names the variable that lists the exceptions. */
export const PLAIN_HTTP_REFUSAL =
  'must be https:// (plain http:// only for a loopback host: 127.0.0.0/8, ::1, localhost, or a host in PROVIDER_PLAIN_HTTP_HOSTS)';

/**
 * A provider API's base URL, when it is pointed elsewhere than the real service (the sandbox). Where
 * it may go over plain http is checked beside it, by `refuseInsecureBaseUrls`.
 */
export const providerBaseUrl = z.url({ protocol: /^https?$/ });

/**
 * Hosts besides loopback that provider base URLs may reach over plain http, by name (exactly as the
 * URL writes it): a sandbox on a private container network, such as compose.yaml's `sandbox`.
 */
export const plainHttpHosts = z.array(z.string().min(1)).default([]);

/**
 * Every request to a provider API carries the account's credentials and a code, so a base URL must
 * be `https://`; plain `http://` is allowed only to this machine (127.0.0.0/8, ::1, localhost),
 * where the sandbox runs, or to a host the operator listed. Adds an issue at each of `urls` (config
 * field → value) that is neither, for every config holding base URLs to run in its superRefine.
 */
export function refuseInsecureBaseUrls(
  ctx: z.RefinementCtx,
  urls: Record<string, string | undefined>,
  listed: readonly string[] = [],
): void {
  for (const [field, url] of Object.entries(urls)) {
    if (url === undefined || !URL.canParse(url)) continue; // the field's own schema refuses it
    const { protocol, hostname } = new URL(url);
    if (
      protocol === 'https:' ||
      isLoopback(hostname) ||
      listed.some((host) => host.toLowerCase() === hostname)
    ) {
      continue;
    }
    ctx.addIssue({ code: 'custom', path: [field], message: PLAIN_HTTP_REFUSAL });
  }
}

/**
 * Validates an adapter's config once, at construction, and fails with every problem spelled out.
 * Zod's messages name the field and the rule, never the value, so secrets stay out of the error.
 */
export function parseConfig<S extends z.ZodType>(adapter: string, schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw new Error(`invalid ${adapter} config:\n${z.prettifyError(result.error)}`);
  return result.data;
}
