import type { ProviderAccount } from '@sendcode/policy';
import type { GatewayEnv } from './config.ts';

/**
 * The provider accounts the gateway's environment names, for `configWarnings`: the gateway shows
 * the same warnings as the workers, where SREs scrape it. It builds no adapters and reads no
 * `SMS_PROVIDERS` / `VOICE_PROVIDERS`, so each account counts for both paid channels.
 */
export function providerAccounts(config: GatewayEnv): ProviderAccount[] {
  const accounts = [
    { provider: 'twilio', account: config.TWILIO_ACCOUNT_SID },
    { provider: 'vonage', account: config.VONAGE_API_KEY },
  ] as const;
  return accounts.flatMap(({ provider, account }) =>
    account === undefined
      ? []
      : [
          { provider, channel: 'sms', account },
          { provider, channel: 'voice', account },
        ],
  );
}
