import type { ChannelName } from './types.ts';

/** What the rest of the system needs to know about a provider, short of talking to it. */
export interface ProviderEntry {
  /** The channels it carries, in no particular order. */
  readonly channels: readonly ChannelName[];
  /** Whether it posts delivery receipts to the gateway (`/webhooks/...`), signed with our secret. */
  readonly receipts: boolean;
}

/**
 * The one list of providers: every other list (`PROVIDERS`, the providers of a channel as metric
 * labels and as the workers' `SMS_PROVIDERS` / `VOICE_PROVIDERS` choices, the webhook metrics)
 * derives from it. A new provider is a row here plus its folder in
 * `packages/channels/src/providers/<name>/` (adapters, errors, receipts). The names are stored in
 * Redis and used as metric labels and in configuration: never rename one. The order is the
 * default provider order of a channel.
 */
export const PROVIDER_REGISTRY = {
  smtp: { channels: ['email'], receipts: false },
  twilio: { channels: ['sms', 'voice'], receipts: true },
  vonage: { channels: ['sms', 'voice'], receipts: true },
} as const satisfies Readonly<Record<string, ProviderEntry>>;

type Registry = typeof PROVIDER_REGISTRY;
export type ProviderName = keyof Registry;

/** Providers an adapter can talk to, in registry order. */
export const PROVIDERS = Object.keys(PROVIDER_REGISTRY) as readonly ProviderName[];

/** The providers that carry channel `C` (for a union of channels, those that carry any of them). */
export type ProviderFor<C extends ChannelName> = {
  [P in ProviderName]: C extends Registry[P]['channels'][number] ? P : never;
}[ProviderName];

/** The providers that post delivery receipts. */
export type ReceiptProvider = {
  [P in ProviderName]: Registry[P]['receipts'] extends true ? P : never;
}[ProviderName];

/** The providers that carry `channel`, in registry order. */
export function providersFor<C extends ChannelName>(channel: C): readonly ProviderFor<C>[] {
  return PROVIDERS.filter((provider): provider is ProviderFor<C> =>
    (PROVIDER_REGISTRY[provider].channels as readonly ChannelName[]).includes(channel),
  );
}

/** Which providers carry which channel. */
export const CHANNEL_PROVIDERS: { readonly [C in ChannelName]: readonly ProviderFor<C>[] } = {
  email: providersFor('email'),
  sms: providersFor('sms'),
  voice: providersFor('voice'),
};

/** The providers that post delivery receipts, in registry order. */
export const RECEIPT_PROVIDERS = PROVIDERS.filter(
  (provider): provider is ReceiptProvider => PROVIDER_REGISTRY[provider].receipts,
);

/** Whether a stored or posted value names a provider. */
export function isProviderName(value: unknown): value is ProviderName {
  return typeof value === 'string' && Object.hasOwn(PROVIDER_REGISTRY, value);
}
