import { describe, expect, it } from 'vitest';
import { resolveLocale } from './locale.ts';

describe('resolveLocale', () => {
  it.each([
    ['ja', 'ja'],
    ['ja-JP', 'ja'],
    ['ja_JP', 'ja'],
    ['JA', 'ja'],
    ['en', 'en'],
    ['en-GB', 'en'],
    ['fr', 'en'],
    ['', 'en'],
    ['jav', 'en'], // Javanese is not Japanese
  ])('%j → %s', (input, locale) => {
    expect(resolveLocale(input)).toBe(locale);
  });
});
