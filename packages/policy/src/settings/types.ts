/** The types of parsed settings, derived from the schema and made read-only all the way down. */
import type { z } from 'zod';
import type { settingsSchema } from './schema.ts';

/** `T` read-only all the way down, arrays included: for types derived from a zod schema. */
export type DeepReadonly<T> = T extends readonly (infer U)[]
  ? readonly DeepReadonly<U>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

/** The settings file as written: every field optional (see `settings.default.json`). */
export type SettingsInput = z.input<typeof settingsSchema>;

/** Parsed settings, every default filled in. */
export type Settings = DeepReadonly<z.output<typeof settingsSchema>>;

/** The rate limits, per scope. */
export type Limits = Settings['limits'];

/** `limit` starts per `windowSeconds`. */
export type RateWindow = Limits['ip'];

/** A rate window counted per number prefix of `digits` digits. */
export type PrefixWindow = Limits['prefix'];

/** The prefix conversion guard (SMS pumping), enforced by the store's prefix guard. */
export type ConversionRule = Settings['fraud']['conversion'];

/** When a provider that accepts but does not deliver loses its traffic, and how it gets it back. */
export type ProviderHealthRules = Settings['providerHealth'];

/** One client's entry in the settings file, as parsed. */
export type ClientEntry = NonNullable<Settings['clients'][string]>;

/** A client's template settings; each field optional. */
export type ClientTemplates = NonNullable<ClientEntry['templates']>;

/** Countries per channel after merging: a list, or null for every country. */
export interface AllowedCountries {
  readonly sms: readonly string[] | null;
  readonly voice: readonly string[] | null;
}

/** One client's effective settings: deployment defaults with the client's overrides applied. */
export interface ClientSettings {
  readonly name: string;
  readonly limits: Limits;
  readonly allowedCountries: AllowedCountries;
  /** USD of SMS and voice per UTC day; null = no cap. */
  readonly dailySpendCap: number | null;
  readonly templates: ClientTemplates;
}
