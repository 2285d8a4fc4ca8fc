import { describe, expect, it } from 'vitest';
import { CARRIER_MAIL_DOMAINS, destinationWarnings, isCarrierMailDomain } from './carrier-mail.ts';

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
      destinationWarnings({
        kind: 'phone',
        address: '+819012345678',
        country: 'JP',
        countryCallingCode: '81',
        type: 'mobile',
      }),
    ).toEqual([]);
  });
});

describe('CARRIER_MAIL_DOMAINS (data/carrier-mail-domains.json)', () => {
  it('holds lower-case domain names, each once, none covered by another entry', () => {
    expect(CARRIER_MAIL_DOMAINS.length).toBeGreaterThan(20);
    expect(new Set(CARRIER_MAIL_DOMAINS).size).toBe(CARRIER_MAIL_DOMAINS.length);
    for (const domain of CARRIER_MAIL_DOMAINS) {
      expect(domain).toMatch(/^(?:[a-z0-9-]+\.)+[a-z]{2,}$/);
      const others = CARRIER_MAIL_DOMAINS.filter((d) => d !== domain);
      expect(others.some((d) => domain.endsWith(`.${d}`))).toBe(false);
    }
  });

  it.each(['biz.au.com', 'augps.ezweb.ne.jp', 'wm.pdx.ne.jp', 'yahoo.ne.jp', 'jp-d.ne.jp', 'uqmobile.jp'])(
    'covers %s',
    (domain) => {
      expect(isCarrierMailDomain(domain)).toBe(true);
    },
  );

  it.each(['yahoo.co.jp', 'softbank.jp', 'au.com.example'])(
    'leaves ordinary mail such as %s alone',
    (domain) => {
      expect(isCarrierMailDomain(domain)).toBe(false);
    },
  );
});
