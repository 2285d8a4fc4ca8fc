/**
 * What a user typed into "enter your code", turned into the digits we compare. Users paste codes with
 * spaces, type hyphens they saw in a formatted code, or type full-width digits with a Japanese IME;
 * none of that should cost them an attempt.
 */
import { CODE_LENGTH_MAX } from './code.ts';

/** Result of `normalizeCodeInput`: the digits, or why the input cannot be a code (a 400, not an attempt). */
export type CodeInputResult =
  | { readonly ok: true; readonly code: string }
  | { readonly ok: false; readonly reason: 'empty' | 'not_digits' | 'too_long' };

// Longer raw input cannot be a code even with generous separators; refusing it early bounds the work
// done on hostile input before normalisation.
const MAX_RAW_LENGTH = 64;

// Whitespace (\s covers U+3000 and NBSP), invisible format characters (ZWSP, LRM, BOM, ...) that
// come along with copy-paste, and dash-like characters. NFKC already turns U+FF0D and U+FE63 into '-'
// but leaves U+2010..U+2015 and U+2212 alone, so they are listed. U+30FC (ー) is what a Japanese IME
// produces for the '-' key in kana mode; halfwidth U+FF70 becomes U+30FC under NFKC.
const SEPARATORS = /[\s\p{Cf}\-\u2010-\u2015\u2212\u30FC]/gu;

/**
 * Normalises typed code input: NFKC (full-width digits to ASCII), then drops whitespace, invisible
 * characters and hyphen/dash variants. What remains must be 1..10 ASCII digits.
 * Length is checked after "only digits", so `abc` answers `not_digits` rather than a length problem.
 */
export function normalizeCodeInput(input: string): CodeInputResult {
  if (input.length > MAX_RAW_LENGTH) return { ok: false, reason: 'too_long' };
  const code = input.normalize('NFKC').replace(SEPARATORS, '');
  if (code.length === 0) return { ok: false, reason: 'empty' };
  if (!/^[0-9]+$/.test(code)) return { ok: false, reason: 'not_digits' };
  if (code.length > CODE_LENGTH_MAX) return { ok: false, reason: 'too_long' };
  return { ok: true, code };
}
