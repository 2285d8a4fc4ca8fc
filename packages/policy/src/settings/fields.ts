/**
 * The building blocks of the settings schema: validated values that appear in more than one place
 * (country codes, rate windows, template texts and links).
 */
import { getCountries } from 'libphonenumber-js';
import { z } from 'zod';
import { checkBrand } from '../templates/brand.ts';
import { checkHelpUrl, checkWebOtpOrigin } from '../templates/links.ts';

const COUNTRIES: ReadonlySet<string> = new Set(getCountries());

/** An ISO 3166-1 alpha-2 code libphonenumber knows, upper case: `JP`, `GB` (not `UK`). */
export const countryCode = z.string().refine((c) => COUNTRIES.has(c), {
  error: 'must be an upper-case ISO 3166-1 alpha-2 country code, e.g. "JP" or "GB"',
});

/** Countries a channel may call or text: a list, or null for every country. */
export const countryList = z.array(countryCode).nullable();

/** `limit` starts per `windowSeconds` (a sliding window). */
export const rateWindow = z.strictObject({
  limit: z.int().positive(),
  windowSeconds: z.int().positive(),
});

/** How many leading digits of an E.164 number (without '+') make a prefix: 1 to 15. */
export const prefixDigits = z.int().min(1).max(15);

/** A rate window counted per number prefix. */
export const prefixWindow = rateWindow.extend({ digits: prefixDigits });

/** USD per message or call. */
export const price = z.number().nonnegative();

/** A brand or sender name: `checkBrand`'s rules, trimmed and NFKC-normalised. */
export const brandText = z.string().transform((value, ctx) => {
  const result = checkBrand(value);
  if (result.ok) return result.brand;
  ctx.addIssue({ code: 'custom', message: `cannot be used in a message: ${result.reason}` });
  return z.NEVER;
});

/** A BCP 47-ish language tag (`ja`, `ja-JP`, `en_GB`); unknown languages fall back to English. */
export const localeTag = z.string().regex(/^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$/, {
  error: 'must be a language tag such as "ja" or "en-GB"',
});

/** The WebOTP origin, normalised: `https://acme.example`. */
export const webOtpOrigin = z.string().transform((value, ctx) => {
  const result = checkWebOtpOrigin(value);
  if (result.ok) return result.origin;
  ctx.addIssue({ code: 'custom', message: `must be a plain https origin (${result.reason})` });
  return z.NEVER;
});

/** A help page an email may link to, normalised: `https://acme.example/security`. */
export const helpUrl = z.string().transform((value, ctx) => {
  const result = checkHelpUrl(value);
  if (result.ok) return result.url;
  ctx.addIssue({ code: 'custom', message: `must be a plain https URL (${result.reason})` });
  return z.NEVER;
});
