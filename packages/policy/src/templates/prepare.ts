/**
 * Checks a message context once, before any channel renders it: everything a request or a client's
 * settings put into a message is validated here, so a bad value refuses to render instead of sending
 * something that breaks the anti-phishing layout.
 */
import { type MessageContext, PURPOSES, type Purpose } from '../types.ts';
import { checkBrand } from './brand.ts';
import { checkHelpUrl, checkWebOtpOrigin } from './links.ts';
import { resolveLocale, stringsFor } from './locale.ts';
import type { LocaleStrings } from './strings.ts';

/** A validated context with the template strings resolved. */
export interface Prepared {
  readonly code: string;
  readonly brand: string;
  readonly minutes: number;
  /** The purpose's wording, e.g. `sign-in code`. */
  readonly what: string;
  /** The resolved locale, e.g. `ja` for `ja-JP`. */
  readonly locale: string;
  readonly t: LocaleStrings;
  readonly fromName: string | undefined;
  readonly webOtpHost: string | undefined;
  readonly url: string | undefined;
}

function isPurpose(value: string): value is Purpose {
  return (PURPOSES as readonly string[]).includes(value);
}

function refuse(field: string, reason: string): never {
  throw new RangeError(`${field} cannot be used in a message: ${reason}`);
}

function brandLike(field: string, value: string): string {
  const result = checkBrand(value);
  return result.ok ? result.brand : refuse(field, result.reason);
}

function webOtpHost(origin: string): string {
  const result = checkWebOtpOrigin(origin);
  return result.ok ? result.host : refuse('webOtpOrigin', result.reason);
}

function helpUrl(url: string): string {
  const result = checkHelpUrl(url);
  return result.ok ? result.url : refuse('url', result.reason);
}

/**
 * Validates `ctx` and resolves its locale and purpose.
 * @throws RangeError on a code that is not 4–10 digits, a non-positive lifetime, a brand or sender
 * name failing `checkBrand`, or a WebOTP origin or help URL that is not a plain https address.
 */
export function prepare(ctx: MessageContext): Prepared {
  if (!/^[0-9]{4,10}$/.test(ctx.code)) throw new RangeError('code must be 4 to 10 ASCII digits');
  if (!Number.isFinite(ctx.ttlSeconds) || ctx.ttlSeconds <= 0)
    throw new RangeError('ttlSeconds must be positive');
  const t = stringsFor(ctx.locale);
  return {
    code: ctx.code,
    brand: brandLike('brand', ctx.brand),
    // Rounded down: telling a user they have longer than they do makes them miss the deadline.
    minutes: Math.max(1, Math.floor(ctx.ttlSeconds / 60)),
    what: t.purposes[isPurpose(ctx.purpose) ? ctx.purpose : 'default'],
    locale: resolveLocale(ctx.locale),
    t,
    fromName: ctx.senderName === undefined ? undefined : brandLike('senderName', ctx.senderName),
    webOtpHost: ctx.webOtpOrigin === undefined ? undefined : webOtpHost(ctx.webOtpOrigin),
    url: ctx.url === undefined ? undefined : helpUrl(ctx.url),
  };
}
