/**
 * The policy settings file: rate limits, fraud guards, per-send costs, country routing, carrier-mail
 * failover and per-client overrides. Every section and field may be left out and then takes its
 * value from `settings.default.json` (the defaults of DESIGN.md); unknown keys are errors, so a typo
 * cannot silently leave a default in force. Sections given are taken as written: `costs.countries`
 * or a client's `limits.ip` replace the default, they are not merged into it.
 */
import { z } from 'zod';
import DEFAULTS from '../../settings.default.json' with { type: 'json' };
import {
  brandText,
  countryCode,
  countryList,
  helpUrl,
  localeTag,
  prefixDigits,
  prefixWindow,
  price,
  rateWindow,
  webOtpOrigin,
} from './fields.ts';

// Fresh copies, so no two parsed settings share (and could alter) one default object.
const fromDefaults =
  <T>(value: T) =>
  (): T =>
    structuredClone(value);

const limitScopes = {
  /** Starts per destination; the first window is scope `destination`, the second `destination_day`. */
  destination: z.array(rateWindow).min(1).max(4),
  /** Starts per `accountRef`. */
  account: rateWindow,
  /** Starts per `endUserIp`. */
  ip: rateWindow,
  /** Starts per API client. */
  client: rateWindow,
  /** Starts per number prefix (the first `digits` digits of the E.164 number without '+'). */
  prefix: prefixWindow,
};

const { limits: L, fraud: F, costs: C } = DEFAULTS;

const limitsSchema = z.strictObject({
  destination: limitScopes.destination.default(fromDefaults(L.destination)),
  account: limitScopes.account.default(fromDefaults(L.account)),
  ip: limitScopes.ip.default(fromDefaults(L.ip)),
  client: limitScopes.client.default(fromDefaults(L.client)),
  prefix: limitScopes.prefix.default(fromDefaults(L.prefix)),
});

/** Countries SMS and voice may go to: one list (or null = all) for both, or one per channel. */
const allowedCountriesSchema = z.union([
  countryList,
  z.strictObject({ sms: countryList.optional(), voice: countryList.optional() }),
]);

/**
 * Conversion is judged per API client and prefix: a client whose own starts to a prefix go unconfirmed
 * is blocked from that prefix, and nobody else is, so one client (or one stolen key) cannot switch a
 * number range off for all. A range is suspended for every client only once several distinct clients
 * saw their conversion to it collapse within `blockSeconds` of one another.
 */
const conversionSchema = z.strictObject({
  /** A client's starts to a prefix within the window before its conversion rate is judged at all. */
  minSends: z.int().positive(),
  /** Approved ÷ started below this (0..1) blocks the prefix for that client; 0 turns the guard off. */
  threshold: z.number().min(0).max(1),
  windowSeconds: z.int().positive(),
  /** How long a blocked (or suspended) prefix stays so. */
  blockSeconds: z.int().positive(),
  /**
   * Distinct clients whose conversion to a prefix collapsed within `blockSeconds` that suspend it for
   * every client; 1 makes any one client's collapse suspend it for all. Defaulted on its own, so a
   * settings file written before it existed stays valid.
   */
  clientsToSuspendAll: z.int().positive().default(F.conversion.clientsToSuspendAll),
  digits: prefixDigits,
});

/**
 * Routing around a provider that accepts messages but does not deliver them (`routing/route.ts`): a
 * provider whose delivered ratio over the window falls under `demoteBelow` while another is at
 * `healthyAt` (or has carried too little to judge) is demoted. It keeps `probeShare` of first sends,
 * and is promoted back once its ratio has stayed at `healthyAt` for `cooldownSeconds`, its share
 * growing meanwhile. The gap between the two ratios is the hysteresis that keeps it from flapping.
 */
const H = DEFAULTS.providerHealth;
const providerHealthSchema = z
  .strictObject({
    /** Receipts and receipt timeouts of the last this many seconds make a provider's ratio. */
    windowSeconds: z.int().min(1).max(3600).default(H.windowSeconds),
    /** Outcomes in the window below which a provider's ratio is not judged at all. */
    minOutcomes: z.int().positive().default(H.minOutcomes),
    /** Delivered ratio (0..1) under which a provider is demoted; 0 turns routing by health off. */
    demoteBelow: z.number().min(0).max(1).default(H.demoteBelow),
    /** Delivered ratio a provider must reach to be promoted back, or to take over from another. */
    healthyAt: z.number().gt(0).max(1).default(H.healthyAt),
    /** How long a demoted provider's ratio must stay at `healthyAt` before it is promoted back. */
    cooldownSeconds: z.number().min(0).max(86_400).default(H.cooldownSeconds),
    /** Share (0..0.5] of first sends a demoted provider still gets, so its ratio can recover. */
    probeShare: z.number().gt(0).max(0.5).default(H.probeShare),
  })
  .refine((rules) => rules.demoteBelow < rules.healthyAt, {
    error: 'demoteBelow must be below healthyAt (the gap between them keeps routing from flapping)',
  });

const channelPrices = z.strictObject({ sms: price, voice: price });

const templatesSchema = z.strictObject({
  /** Brand for this client's requests that name none. */
  brand: brandText.optional(),
  /** Display name of the (fixed) From address of this client's email. */
  senderName: brandText.optional(),
  /** Locale for this client's requests that name none. */
  locale: localeTag.optional(),
  webOtpOrigin: webOtpOrigin.optional(),
  url: helpUrl.optional(),
});

const clientSchema = z.strictObject({
  limits: z.strictObject(limitScopes).partial().optional(),
  allowedCountries: allowedCountriesSchema.optional(),
  /** USD of SMS and voice per UTC day; null = no cap; absent = the deployment's `dailySpendCap`. */
  dailySpendCap: price.nullable().optional(),
  templates: templatesSchema.optional(),
});

/** The zod schema of the settings file. Its input type is `SettingsInput`, its output `Settings`. */
export const settingsSchema = z.strictObject({
  limits: limitsSchema.prefault({}),
  fraud: z
    .strictObject({
      conversion: conversionSchema.default(fromDefaults(F.conversion)),
      allowedCountries: allowedCountriesSchema.default(fromDefaults(F.allowedCountries)),
    })
    .prefault({}),
  /** Default daily spend cap (USD) for every client; null = none. */
  dailySpendCap: price.nullable().default(DEFAULTS.dailySpendCap),
  costs: z
    .strictObject({
      default: channelPrices.default(fromDefaults(C.default)),
      countries: z.record(countryCode, channelPrices.partial()).default(fromDefaults(C.countries)),
    })
    .prefault({}),
  routing: z
    .strictObject({
      /** Countries where SMS is not offered: `{ "XX": { "sms": "voice" } }` calls instead. */
      countries: z
        .record(countryCode, z.strictObject({ sms: z.literal('voice') }))
        .default(fromDefaults(DEFAULTS.routing.countries)),
    })
    .prefault({}),
  carrierMail: z
    .strictObject({ failoverSeconds: z.int().positive().default(DEFAULTS.carrierMail.failoverSeconds) })
    .prefault({}),
  providerHealth: providerHealthSchema.prefault({}),
  clients: z.record(z.string().min(1), clientSchema).default(() => ({})),
});
