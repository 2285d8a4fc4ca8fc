/** Which template set a request gets. Adding a locale: add it to `LOCALES`, write its file, list it here. */
import { LOCALES, type Locale } from '../types.ts';
import { en } from './en.ts';
import { ja } from './ja.ts';
import type { LocaleStrings } from './strings.ts';

// A Record, so adding a value to LOCALES without a template set is a compile error.
const STRINGS: Readonly<Record<Locale, LocaleStrings>> = { en, ja };

function isLocale(value: string): value is Locale {
  return (LOCALES as readonly string[]).includes(value);
}

/**
 * Maps a requested locale to one we have templates for, by its language subtag:
 * `ja-JP`, `ja_JP` and `JA` → `ja`; `en-GB` → `en`; anything unknown or empty → `en`.
 */
export function resolveLocale(locale: string): Locale {
  const language = locale.trim().toLowerCase().split(/[-_]/)[0] ?? '';
  return isLocale(language) ? language : 'en';
}

/** The template strings for a (possibly unresolved) locale. */
export function stringsFor(locale: string): LocaleStrings {
  return STRINGS[resolveLocale(locale)];
}
