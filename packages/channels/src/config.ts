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

/**
 * A provider API's base URL, when it is pointed elsewhere than the real service. Every request
 * carries the account's credentials and a code, so it must be `https://`; plain `http://` is allowed
 * only to this machine (127.0.0.0/8, ::1, localhost), where the sandbox runs.
 */
export const providerBaseUrl = z
  .url({ protocol: /^https?$/ })
  .refine(
    (url) => url.startsWith('https:') || isLoopback(new URL(url).hostname),
    'must be https:// (plain http:// only for a loopback host: 127.0.0.0/8, ::1, localhost)',
  );

/**
 * Validates an adapter's config once, at construction, and fails with every problem spelled out.
 * Zod's messages name the field and the rule, never the value, so secrets stay out of the error.
 */
export function parseConfig<S extends z.ZodType>(adapter: string, schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw new Error(`invalid ${adapter} config:\n${z.prettifyError(result.error)}`);
  return result.data;
}
