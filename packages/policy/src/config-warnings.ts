/**
 * Configuration warnings: a deployment that boots and works, yet is set up in a way that can hurt
 * its owner. Judged once at boot from the settings and the provider accounts a process holds; the
 * apps log each warning and export `sendcode_config_warnings{warning}` so that an alert keeps it in
 * view after the boot log has scrolled away.
 */

import type { ProviderName } from './providers.ts';
import { clientSettings } from './settings/client.ts';
import type { ClientSettings, Settings } from './settings/types.ts';

/** Every warning by its stable name. Used as a metric label: never rename one, keep the list short. */
export const CONFIG_WARNINGS = ['toll_fraud_exposure'] as const;
export type ConfigWarningName = (typeof CONFIG_WARNINGS)[number];

/** The channels that cost money per send, and so the ones a fraudster can pump. */
export type PaidChannel = 'sms' | 'voice';

/**
 * The placeholder accounts the local sandbox is reached with (`sandboxProviderEnv`). No provider
 * issues them, so sends under them cannot be billed anywhere: a process holding only these is not
 * exposed. Anything else counts as a real account, whatever URL its client is pointed at.
 */
export const SANDBOX_ACCOUNTS = {
  twilio: `AC${'0'.repeat(32)}`,
  vonage: 'sandbox',
} as const satisfies Partial<Record<ProviderName, string>>;

/** One provider account a process can send a paid channel through. */
export interface ProviderAccount {
  readonly provider: keyof typeof SANDBOX_ACCOUNTS;
  readonly channel: PaidChannel;
  /** What the provider bills: Twilio's Account SID, Vonage's API key. */
  readonly account: string;
}

/** The message logged at boot, in the operator's words. */
export const TOLL_FRAUD_MESSAGE =
  'SMS and voice can be sent to any country with no daily spend cap: set allowedCountries or dailySpendCap (SMS pumping)';

/**
 * Real SMS or voice providers, and a client that may send them to every country with no daily
 * spend cap: nothing bounds what SMS pumping (toll fraud) can cost.
 */
export interface TollFraudExposure {
  readonly warning: 'toll_fraud_exposure';
  readonly message: typeof TOLL_FRAUD_MESSAGE;
  /** The paid channels that are open to every country, uncapped, for some client below. */
  readonly channels: readonly PaidChannel[];
  /** Whether the defaults are open: they apply to every API key without a `clients` entry. */
  readonly defaults: boolean;
  /** The `clients.<name>` entries that are open, by name. */
  readonly clients: readonly string[];
}

export type ConfigWarning = TollFraudExposure;

/**
 * Which warnings hold for these settings and these provider accounts.
 *
 * `toll_fraud_exposure` holds when a real (non-sandbox) account serves a paid channel and some
 * client could send on it to every country with no daily spend cap. "Some client" is every
 * `clients.<name>` entry, each merged over the defaults as the gateway applies it, plus the defaults
 * themselves: a new API key without an entry gets them, so open defaults are an exposure even when
 * every key listed today is capped. Either guard is enough to clear it — a country list (even
 * `[]`) for that channel, or any cap (0 included) — since each bounds what pumping can cost.
 */
export function configWarnings(settings: Settings, accounts: readonly ProviderAccount[]): ConfigWarning[] {
  const paid = new Set(
    accounts.filter((a) => a.account !== SANDBOX_ACCOUNTS[a.provider]).map((a) => a.channel),
  );
  if (paid.size === 0) return [];
  const openChannels = (client: ClientSettings): PaidChannel[] =>
    client.dailySpendCap !== null
      ? []
      : (['sms', 'voice'] as const).filter((c) => paid.has(c) && client.allowedCountries[c] === null);

  // An unknown client name gets the defaults; clearing `clients` makes sure no entry shadows them.
  const defaults = openChannels(clientSettings({ ...settings, clients: {} }, 'defaults'));
  const clients = Object.keys(settings.clients).map((name) => ({
    name,
    open: openChannels(clientSettings(settings, name)),
  }));
  const exposed = clients.filter((c) => c.open.length > 0);
  if (defaults.length === 0 && exposed.length === 0) return [];
  const channels = new Set([...defaults, ...exposed.flatMap((c) => c.open)]);
  return [
    {
      warning: 'toll_fraud_exposure',
      message: TOLL_FRAUD_MESSAGE,
      channels: (['sms', 'voice'] as const).filter((c) => channels.has(c)),
      defaults: defaults.length > 0,
      clients: exposed.map((c) => c.name),
    },
  ];
}
