/**
 * The brand is the one caller-chosen text in our messages, so it is where a link or a spoofed sender
 * would get in. The gateway should call `checkBrand` when a request arrives (a 400 there); templates
 * call it again and refuse to render rather than send a message that breaks the no-links rule.
 */

/** Longest brand we print (Twilio Verify's friendly-name limit), which keeps an SMS in one segment. */
export const BRAND_MAX_LENGTH = 30;

/** Result of `checkBrand`: the trimmed brand, or what is wrong with it. */
export type BrandResult =
  | { readonly ok: true; readonly brand: string }
  | { readonly ok: false; readonly reason: 'empty' | 'too_long' | 'invalid_chars' | 'looks_like_link' };

// Control and format characters break lines or reorder text (bidi overrides).
const INVALID = /[\p{Cc}\p{Cf}]/u;
// Anything a phone or mail client might turn into a link: a scheme, "www.", an address, a dot
// followed by letters ("contoso.com", "例え.jp"). "Contoso Inc." stays fine.
const LINK = /:\/\/|\bwww\.|@|\.\p{L}{2}/iu;

/** Validates and trims a brand name. Digits are allowed: every message puts the code before the brand. */
export function checkBrand(brand: string): BrandResult {
  const trimmed = brand.normalize('NFKC').trim();
  if (trimmed === '') return { ok: false, reason: 'empty' };
  if (Array.from(trimmed).length > BRAND_MAX_LENGTH) return { ok: false, reason: 'too_long' };
  if (INVALID.test(trimmed)) return { ok: false, reason: 'invalid_chars' };
  if (LINK.test(trimmed)) return { ok: false, reason: 'looks_like_link' };
  return { ok: true, brand: trimmed };
}
