/**
 * The per-send facts the limits and fraud guards need, as pure functions: a number's prefix, what a
 * send costs and whether a client may reach a country. Counting, and suspending a prefix that
 * converts too poorly to trust, happen in the store.
 */
import type { ClientSettings, Settings } from './settings/types.ts';
import type { ChannelName } from './types.ts';

/**
 * The first `digits` digits of an E.164 number without its '+', e.g. `numberPrefix('+819012345678', 7)`
 * → `8190123`; the whole number when it is shorter. Counts starts and conversion per prefix.
 * @throws RangeError when `e164` is not E.164 or `digits` is not an integer in 1..15.
 */
export function numberPrefix(e164: string, digits: number): string {
  if (!/^\+[1-9][0-9]{1,14}$/.test(e164)) throw new RangeError('number must be in E.164 format');
  if (!Number.isInteger(digits) || digits < 1 || digits > 15) {
    throw new RangeError('prefix digits must be an integer from 1 to 15');
  }
  return e164.slice(1, 1 + digits);
}

/**
 * What one send costs in USD: the country's price for the channel, else the default price; email
 * is free. For the daily spend cap, so an estimate is fine; unknown countries pay the default.
 */
export function sendCost(
  settings: Pick<Settings, 'costs'>,
  country: string | undefined,
  channel: ChannelName,
): number {
  if (channel === 'email') return 0;
  const byCountry = country === undefined ? undefined : settings.costs.countries[country];
  return byCountry?.[channel] ?? settings.costs.default[channel];
}

/**
 * Whether a client may text or call a number in `country`. A null list allows every country; with a
 * list, numbers without a country (non-geographic, e.g. +800) are refused.
 */
export function countryAllowed(
  client: Pick<ClientSettings, 'allowedCountries'>,
  channel: 'sms' | 'voice',
  country: string | undefined,
): boolean {
  const allowed = client.allowedCountries[channel];
  return allowed === null || (country !== undefined && allowed.includes(country));
}
