/** One client's effective settings: what the gateway applies to a request from that API client. */
import type { ClientSettings, Settings } from './types.ts';

type AllowedInput = Settings['fraud']['allowedCountries'];

function isList(allowed: AllowedInput): allowed is readonly string[] | null {
  return allowed === null || Array.isArray(allowed);
}

/** Per channel: a list, null (every country), or undefined when `allowed` does not say. */
function perChannel(allowed: AllowedInput | undefined): {
  readonly sms?: readonly string[] | null | undefined;
  readonly voice?: readonly string[] | null | undefined;
} {
  if (allowed === undefined) return {};
  return isList(allowed) ? { sms: allowed, voice: allowed } : allowed;
}

/**
 * Merges a client's overrides over the deployment defaults: each limit scope the client names
 * replaces the default one whole; `allowedCountries` per channel (a plain list sets both channels);
 * `dailySpendCap` when present, null included. An unknown client name gets the defaults.
 */
export function clientSettings(settings: Settings, clientName: string): ClientSettings {
  const client = Object.hasOwn(settings.clients, clientName) ? settings.clients[clientName] : undefined;
  const base = perChannel(settings.fraud.allowedCountries);
  const own = perChannel(client?.allowedCountries);
  const limits = client?.limits ?? {};
  return {
    name: clientName,
    limits: {
      destination: limits.destination ?? settings.limits.destination,
      account: limits.account ?? settings.limits.account,
      ip: limits.ip ?? settings.limits.ip,
      client: limits.client ?? settings.limits.client,
      prefix: limits.prefix ?? settings.limits.prefix,
    },
    allowedCountries: {
      sms: own.sms !== undefined ? own.sms : (base.sms ?? null),
      voice: own.voice !== undefined ? own.voice : (base.voice ?? null),
    },
    dailySpendCap: client?.dailySpendCap === undefined ? settings.dailySpendCap : client.dailySpendCap,
    templates: client?.templates ?? {},
  };
}
