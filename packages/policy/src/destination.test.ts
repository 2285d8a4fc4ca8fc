import { describe, expect, it } from 'vitest';
import { parseDestination } from './destination.ts';

describe('parseDestination: phone numbers', () => {
  it.each([
    ['+81 90-1234-5678', '+819012345678', 'JP', 'mobile', '81'],
    ['+81 3-1234-5678', '+81312345678', 'JP', 'fixed_line', '81'],
    ['+81 50-1234-5678', '+815012345678', 'JP', 'voip', '81'],
    ['+81 120-123-456', '+81120123456', 'JP', 'toll_free', '81'],
    ['+44 7400 123456', '+447400123456', 'GB', 'mobile', '44'],
    ['+44 (0)20 7946 0958', '+442079460958', 'GB', 'fixed_line', '44'],
    ['+1 (202) 555-0123', '+12025550123', 'US', 'fixed_line_or_mobile', '1'],
    ['＋８１ ９０－１２３４－５６７８', '+819012345678', 'JP', 'mobile', '81'],
    ['  +819012345678  ', '+819012345678', 'JP', 'mobile', '81'],
  ])('%j → %s (%s, %s, +%s)', (to, address, country, type, countryCallingCode) => {
    expect(parseDestination(to)).toEqual({
      ok: true,
      destination: { kind: 'phone', address, country, countryCallingCode, type },
    });
  });

  it('leaves the country undefined for non-geographic numbers', () => {
    const result = parseDestination('+800 1234 5678');
    expect(result.ok && result.destination).toMatchObject({ address: '+80012345678', country: undefined });
  });

  it('needs a leading + unless a default country is given', () => {
    expect(parseDestination('090-1234-5678')).toEqual({ ok: false, reason: 'invalid_phone' });
    expect(parseDestination('090-1234-5678', 'JP')).toEqual({
      ok: true,
      destination: {
        kind: 'phone',
        address: '+819012345678',
        country: 'JP',
        countryCallingCode: '81',
        type: 'mobile',
      },
    });
  });

  it.each([
    '+81 90 1234 567', // one digit short
    '+1 800 FLOWERS', // vanity letters
    '+1 202 555 0123 ext 5', // extension
    '+999 1234 5678', // no such country code
    '++819012345678',
    '+',
    '',
    '1234',
  ])('%j is invalid_phone', (to) => {
    expect(parseDestination(to)).toEqual({ ok: false, reason: 'invalid_phone' });
  });
});

describe('parseDestination: email addresses', () => {
  it.each([
    ['user@例え.jp', 'user@xn--r8jz45g.jp', 'xn--r8jz45g.jp'],
    ['Taro@DOCOMO.NE.JP', 'Taro@docomo.ne.jp', 'docomo.ne.jp'],
    ['  taro@docomo.ne.jp ', 'taro@docomo.ne.jp', 'docomo.ne.jp'],
    // Legacy docomo addresses break RFC 5322 but receive mail.
    ['taro..x.@docomo.ne.jp', 'taro..x.@docomo.ne.jp', 'docomo.ne.jp'],
    ['ｔａｒｏ＠ｅｘａｍｐｌｅ．ｃｏｍ', 'taro@example.com', 'example.com'],
    ['a+tag@mail.example.co.uk', 'a+tag@mail.example.co.uk', 'mail.example.co.uk'],
  ])('%j → %s', (to, address, domain) => {
    expect(parseDestination(to)).toEqual({ ok: true, destination: { kind: 'email', address, domain } });
  });

  it.each([
    '@example.com',
    'a@b',
    'a@localhost',
    'a@1.2.3.4',
    'a@example.com.',
    'a@-example.com',
    'a@exa_mple.com',
    'a b@example.com',
    'a\r\nBcc: x@example.com@example.com',
    '"a@b"@example.com',
    'a@',
    `${'a'.repeat(65)}@example.com`,
    `a@${Array.from({ length: 5 }, () => 'b'.repeat(60)).join('.')}.com`, // over 254 characters
  ])('%j is invalid_email', (to) => {
    expect(parseDestination(to)).toEqual({ ok: false, reason: 'invalid_email' });
  });
});
