import { describe, expect, it } from 'vitest';
import { normalizeCodeInput } from './code-input.ts';

describe('normalizeCodeInput', () => {
  it.each([
    ['123456', '123456'],
    ['１２３ ４５６', '123456'], // full-width digits and space from a Japanese IME
    ['１２３\u3000４５６', '123456'], // ideographic space
    ['123-456', '123456'],
    [' 12 34 56 ', '123456'],
    ['123\u2010456', '123456'], // hyphen
    ['123\u2013456', '123456'], // en dash
    ['123\u2212456', '123456'], // minus sign
    ['123－456', '123456'], // full-width hyphen-minus
    ['１２３ー４５６', '123456'], // katakana prolonged sound mark, what the IME types for '-'
    ['\u200b123456\u200e', '123456'], // invisible characters from copy-paste
    ['\t123\n456\r\n', '123456'],
    ['0000', '0000'],
  ])('%j → %s', (input, code) => {
    expect(normalizeCodeInput(input)).toEqual({ ok: true, code });
  });

  it.each([
    ['', 'empty'],
    ['   ', 'empty'],
    ['- -', 'empty'],
    ['abc', 'not_digits'],
    ['12a456', 'not_digits'],
    ['12.456', 'not_digits'],
    ['+123456', 'not_digits'],
    ['١٢٣٤٥٦', 'not_digits'], // Arabic-Indic digits are digits, but not ASCII ones
    ['12345678901', 'too_long'],
    ['1'.repeat(100), 'too_long'],
  ])('%j is refused as %s', (input, reason) => {
    expect(normalizeCodeInput(input)).toEqual({ ok: false, reason });
  });
});
