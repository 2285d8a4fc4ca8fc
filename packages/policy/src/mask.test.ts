import { describe, expect, it } from 'vitest';
import { parseDestination } from './destination.ts';
import { destinationFacts, maskDestination, maskParsed } from './mask.ts';

describe('maskDestination', () => {
  it.each([
    ['+819012345678', '+81 90-****-5678'],
    ['+81312345678', '+81 3-****-5678'],
    ['+12025550123', '+1 20-****-0123'],
    ['+8613800138000', '+86 13-*****-8000'],
    ['+80012345678', '+800 ****-5678'],
  ])('phone %s → %s', (address, masked) => {
    expect(maskDestination(address)).toBe(masked);
  });

  it('never shows more than 6 national digits, and hides at least 4', () => {
    for (const address of ['+819012345678', '+81312345678', '+4915123456789', '+80012345678', '+3551234']) {
      const masked = maskDestination(address);
      const countryCode = masked.match(/^\+(\d+) /)?.[1] ?? '';
      const national = masked.slice(countryCode.length + 1);
      expect(national.replace(/\D/g, '').length).toBeLessThanOrEqual(6);
      expect(national.split('*').length - 1).toBeGreaterThanOrEqual(4);
    }
  });

  it.each([
    ['taro@docomo.ne.jp', 'ta***@docomo.ne.jp'],
    ['ab@example.com', 'a***@example.com'],
    ['a@example.com', 'a***@example.com'],
    ['たろう@example.jp', 'たろ***@example.jp'],
  ])('email %s → %s', (address, masked) => {
    expect(maskDestination(address)).toBe(masked);
  });

  it('shows nothing of input that is neither an address nor a number', () => {
    expect(maskDestination('not a destination')).toBe('***');
  });
});

describe('maskParsed', () => {
  it.each([
    '+819012345678',
    '+81312345678',
    '+12025550123',
    '+8613800138000',
    '+80012345678',
    '+390612345678',
    'taro@docomo.ne.jp',
    'ab@example.com',
    'たろう@example.jp',
  ])('masks %s as maskDestination does', (to) => {
    const parsed = parseDestination(to);
    if (!parsed.ok) throw new Error(`${to} does not parse`);
    expect(maskParsed(parsed.destination)).toBe(maskDestination(parsed.destination.address));
  });
});

describe('destinationFacts', () => {
  it.each([
    ['+819012345678', 'JP'],
    ['+12025550123', 'US'],
    ['+14165550123', 'CA'],
    ['+447911123456', 'GG'],
    ['+80012345678', undefined],
    ['+8190123', undefined],
    ['taro@docomo.ne.jp', undefined],
  ])(
    '%s: masked as maskDestination masks it, the country parseDestination gives it (%s)',
    (address, country) => {
      const parsed = parseDestination(address);
      const expected =
        parsed.ok && parsed.destination.kind === 'phone' ? parsed.destination.country : undefined;
      expect(expected).toBe(country);
      expect(destinationFacts(address)).toEqual({ masked: maskDestination(address), country });
    },
  );
});
