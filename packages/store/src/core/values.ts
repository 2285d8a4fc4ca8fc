import type { ChannelName, ProviderName, VerificationStatus } from '@sendcode/policy';
import { StoreError, type StoreErrorCode } from './errors.ts';
import { EVENT_TYPES, type EventType, SEND_STATUSES, type SendStatus } from './types.ts';

/**
 * Guards for values read back from Redis. The store imports only types from @sendcode/policy, so the
 * sets are spelled out here; `Record<Union, true>` makes the compiler demand every member.
 */

const CHANNELS: Readonly<Record<ChannelName, true>> = { email: true, sms: true, voice: true };
const PROVIDERS: Readonly<Record<ProviderName, true>> = { smtp: true, twilio: true, vonage: true };
const STATUSES: Readonly<Record<VerificationStatus, true>> = {
  pending: true,
  approved: true,
  expired: true,
  locked: true,
  canceled: true,
  failed: true,
};

export function isChannel(value: unknown): value is ChannelName {
  return typeof value === 'string' && Object.hasOwn(CHANNELS, value);
}

export function isProvider(value: unknown): value is ProviderName {
  return typeof value === 'string' && Object.hasOwn(PROVIDERS, value);
}

export function isStatus(value: unknown): value is VerificationStatus {
  return typeof value === 'string' && Object.hasOwn(STATUSES, value);
}

export function isEventType(value: unknown): value is EventType {
  return typeof value === 'string' && (EVENT_TYPES as readonly string[]).includes(value);
}

export function isSendStatus(value: unknown): value is SendStatus {
  return typeof value === 'string' && (SEND_STATUSES as readonly string[]).includes(value);
}

/** A safe integer (JSON numbers read back from Redis). */
export function isInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value);
}

/** A decimal integer string, e.g. `"0"` or `"1732222222222"`; null when it is anything else. */
export function parseInteger(value: string): number | null {
  if (!/^-?\d{1,16}$/.test(value)) return null;
  const number = Number(value);
  return Number.isSafeInteger(number) ? number : null;
}

/** A value `TimelineEvent.detail` may hold: NaN and Infinity are refused, JSON would turn them into null. */
export function isDetailValue(value: unknown): value is string | number | boolean {
  return (
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    (typeof value === 'number' && Number.isFinite(value))
  );
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses JSON read back from Redis; throws `code` saying "`what` is not JSON" (never the value). */
export function parseStored(raw: string, code: StoreErrorCode, what: string): unknown {
  try {
    return JSON.parse(raw);
  } catch (cause) {
    throw new StoreError(code, `${what} is not JSON`, { cause });
  }
}

/**
 * The fields of a record stored as a JSON array in `names` order (`lua-includes/rows.lua`): null
 * and missing entries read as undefined.
 */
export function fromRow<const N extends string>(
  names: readonly N[],
  row: readonly unknown[],
): Partial<Record<N, unknown>> {
  return Object.fromEntries(names.map((name, i) => [name, row[i] ?? undefined])) as Partial<
    Record<N, unknown>
  >;
}
