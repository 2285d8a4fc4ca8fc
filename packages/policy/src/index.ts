/**
 * @sendcode/policy — pure domain rules shared by the gateway and the workers: codes and how they are
 * stored, input and destination normalisation, delivery plans and the failover and retry decisions,
 * destination rules, limits and fraud guards and the settings that tune them, routing around
 * providers that do not deliver, masking, message templates, and the registry of providers.
 * No I/O: everything here is a function of its arguments (plus the CSPRNG).
 */
export {
  CARRIER_MAIL_DOMAINS,
  type DestinationWarning,
  destinationWarnings,
  isCarrierMailDomain,
} from './carrier-mail.ts';
export {
  CODE_LENGTH_MAX,
  CODE_LENGTH_MIN,
  constantTimeEqual,
  type DerivedKeys,
  deriveKeys,
  generateCode,
  hashCode,
} from './code.ts';
export { type CodeInputResult, normalizeCodeInput } from './code-input.ts';
export {
  CONFIG_WARNINGS,
  type ConfigWarning,
  type ConfigWarningName,
  configWarnings,
  type PaidChannel,
  type ProviderAccount,
  SANDBOX_ACCOUNTS,
  TOLL_FRAUD_MESSAGE,
  type TollFraudExposure,
} from './config-warnings.ts';
export {
  type CountryCode,
  canonicalDestination,
  type DestinationResult,
  parseDestination,
} from './destination.ts';
export * from './diagnosis/index.ts';
export {
  FAILOVER_REASONS,
  type FailoverReason,
  type NextStep,
  type NextStepInput,
  nextStep,
  SEND_FAILURES,
  type SendFailure,
} from './failover.ts';
export { countryAllowed, numberPrefix, sendCost } from './guards.ts';
export {
  createKeyRing,
  type KeyRing,
  lookupHashes,
  openWith,
  type RingKey,
  type SealBinding,
  sealWith,
} from './keys.ts';
export { BLOCK_REASONS, type BlockReason, LIMIT_SCOPES, type LimitScope } from './limits.ts';
export { type DestinationFacts, destinationFacts, maskDestination, maskParsed } from './mask.ts';
export {
  buildPlan,
  channelFits,
  defaultChannel,
  MAX_PLAN_STEPS,
  type PlanInput,
  type PlanRequest,
  type PlanResult,
} from './plan.ts';
export {
  CHANNEL_PROVIDERS,
  isProviderName,
  PROVIDER_REGISTRY,
  PROVIDERS,
  type ProviderEntry,
  type ProviderFor,
  type ProviderName,
  providersFor,
  RECEIPT_PROVIDERS,
  type ReceiptProvider,
} from './providers.ts';
export { publicRandomBytes } from './random.ts';
export { canRetry, RETRY_EXPIRY_MARGIN_MS, type RetryInput } from './retry.ts';
export {
  type DeliveryCounts,
  deliveredRatio,
  deliveryWindow,
  type HealthBucket,
  type HealthVerdict,
  healthBucketMs,
  healthVerdict,
  meanReceiptSeconds,
  NO_OUTCOMES,
  outcomes,
} from './routing/health.ts';
export {
  HEALTHY,
  nextRouteStates,
  type OrderInput,
  orderProviders,
  type ProviderOrder,
  ROUTE_STATES,
  type RouteChange,
  type RouteInput,
  type RouteState,
  type RouteStateName,
  type RouteStates,
} from './routing/route.ts';
export {
  applyDestinationRules,
  type DestinationRulesResult,
  emailFailoverMs,
  WARNINGS,
  type Warning,
} from './rules.ts';
export { hexLookupHash, lookupHash } from './seal.ts';
export { clientSettings } from './settings/client.ts';
export { DEFAULT_SETTINGS, parseSettings, SettingsError } from './settings/parse.ts';
export { settingsSchema } from './settings/schema.ts';
export type {
  AllowedCountries,
  ClientEntry,
  ClientSettings,
  ClientTemplates,
  ConversionRule,
  DeepReadonly,
  Limits,
  PrefixWindow,
  ProviderHealthRules,
  RateWindow,
  Settings,
  SettingsInput,
} from './settings/types.ts';
export { BRAND_MAX_LENGTH, type BrandResult, checkBrand } from './templates/brand.ts';
export {
  checkHelpUrl,
  checkWebOtpOrigin,
  HELP_URL_MAX_LENGTH,
  type HelpUrlResult,
  type LinkProblem,
  type WebOtpOriginResult,
} from './templates/links.ts';
export { resolveLocale } from './templates/locale.ts';
export { renderMessage } from './templates/render.ts';
export type { LocaleStrings, PurposeKey } from './templates/strings.ts';
export * from './types.ts';
