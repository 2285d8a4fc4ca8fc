import { type PaidChannel, type ProviderAccount, type ProviderFor, providersFor } from '@sendcode/policy';
import type { GatewayEnv } from './config.ts';

const PAID_CHANNELS: readonly PaidChannel[] = ['sms', 'voice'];

/**
 * The provider accounts the gateway's environment names, for `configWarnings`: the gateway shows
 * the same warnings as the workers, where SREs scrape it. It builds no adapters and reads no
 * `SMS_PROVIDERS` / `VOICE_PROVIDERS`, so each account counts for every paid channel its provider
 * carries.
 */
export function providerAccounts(config: GatewayEnv): ProviderAccount[] {
  const accounts: Record<ProviderFor<PaidChannel>, string | undefined> = {
    twilio: config.TWILIO_ACCOUNT_SID,
    vonage: config.VONAGE_API_KEY,
  };
  return (Object.keys(accounts) as ProviderFor<PaidChannel>[]).flatMap((provider) => {
    const account = accounts[provider];
    if (account === undefined) return [];
    return PAID_CHANNELS.filter((channel) => providersFor(channel).includes(provider)).map((channel) => ({
      provider,
      channel,
      account,
    }));
  });
}
