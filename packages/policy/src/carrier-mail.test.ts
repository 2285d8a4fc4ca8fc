import { describe, expect, it } from 'vitest';
import { destinationWarnings, isCarrierMailDomain } from './carrier-mail.ts';

describe('isCarrierMailDomain', () => {
  it.each([
    'docomo.ne.jp',
    'ezweb.ne.jp',
    'au.com',
    'softbank.ne.jp',
    'i.softbank.jp',
    'd.vodafone.ne.jp',
    'DOCOMO.NE.JP',
  ])('%s is carrier mail', (domain) => {
    expect(isCarrierMailDomain(domain)).toBe(true);
  });

  it.each(['gmail.com', 'notdocomo.ne.jp', 'docomo.ne.jp.example.com', 'beau.com'])('%s is not', (domain) => {
    expect(isCarrierMailDomain(domain)).toBe(false);
  });
});

describe('destinationWarnings', () => {
  it('warns for carrier mail only', () => {
    expect(
      destinationWarnings({ kind: 'email', address: 'taro@docomo.ne.jp', domain: 'docomo.ne.jp' }),
    ).toEqual(['carrier_mail_domain']);
    expect(
      destinationWarnings({ kind: 'email', address: 'taro@example.com', domain: 'example.com' }),
    ).toEqual([]);
    expect(
      destinationWarnings({ kind: 'phone', address: '+819012345678', country: 'JP', type: 'mobile' }),
    ).toEqual([]);
  });
});
