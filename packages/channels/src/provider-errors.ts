import type { DeliveryErrorKind } from './channel.ts';

/**
 * The kind of a failed HTTP call to a provider, from its status alone: no status (connection
 * refused, reset, timed out) and 5xx are worth retrying, 429 asks us to slow down, 401/403 mean the
 * provider refuses this account, and any other 4xx will fail again the same way.
 */
export function kindForHttpStatus(status: number | undefined): DeliveryErrorKind {
  if (status === undefined || status >= 500 || status === 408) return 'retryable';
  if (status === 429) return 'rate_limited';
  if (status === 401 || status === 403) return 'blocked';
  return 'permanent';
}

/** Reads a property of an unknown thrown value without trusting its shape. */
export function prop(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null ? Reflect.get(value, name) : undefined;
}

/** A Node/undici/fetch network error code such as `ECONNREFUSED`, safe to log. */
export function networkCode(error: unknown): string | undefined {
  const code = prop(error, 'code');
  return typeof code === 'string' && /^[A-Z_]+$/.test(code) ? code : undefined;
}
