import { describe, expect, it } from 'vitest';
import { checkBrand } from './brand.ts';

describe('checkBrand', () => {
  it.each([
    ['Contoso', 'Contoso'],
    ['  Contoso Inc. ', 'Contoso Inc.'],
    ['7-Eleven', '7-Eleven'],
    ['ｺﾝﾄｿ', 'コントソ'],
    ['Yahoo! JAPAN', 'Yahoo! JAPAN'],
  ])('accepts %j as %j', (input, brand) => {
    expect(checkBrand(input)).toEqual({ ok: true, brand });
  });

  it.each([
    ['', 'empty'],
    ['   ', 'empty'],
    ['x'.repeat(31), 'too_long'],
    ['Contoso\nBank', 'invalid_chars'],
    ['Contoso\u202Eknab', 'invalid_chars'],
    ['contoso.com', 'looks_like_link'],
    ['Visit www.x', 'looks_like_link'],
    ['http://x', 'looks_like_link'],
    ['help@contoso', 'looks_like_link'],
    ['例え.jp', 'looks_like_link'],
  ])('refuses %j as %s', (input, reason) => {
    expect(checkBrand(input)).toEqual({ ok: false, reason });
  });
});
