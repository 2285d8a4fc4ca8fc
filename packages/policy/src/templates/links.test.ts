import { describe, expect, it } from 'vitest';
import { checkHelpUrl, checkWebOtpOrigin } from './links.ts';

describe('checkWebOtpOrigin', () => {
  it.each([
    ['https://acme.example', 'https://acme.example', 'acme.example'],
    ['https://acme.example/', 'https://acme.example', 'acme.example'],
    ['https://Login.ACME.example', 'https://login.acme.example', 'login.acme.example'],
    ['https://例え.jp', 'https://xn--r8jz45g.jp', 'xn--r8jz45g.jp'],
  ])('accepts %j', (input, origin, host) => {
    expect(checkWebOtpOrigin(input)).toEqual({ ok: true, origin, host });
  });

  it.each([
    ['acme.example', 'not_a_url'],
    ['https://acme.example\n', 'not_a_url'],
    ['http://acme.example', 'not_https'],
    ['javascript:alert(1)', 'not_https'],
    ['https://user:pw@acme.example', 'has_credentials'],
    ['https://acme.example:8443', 'has_port'],
    ['https://203.0.113.5', 'not_a_domain'],
    ['https://localhost', 'not_a_domain'],
    ['https://acme.example/login', 'not_an_origin'],
    ['https://acme.example/?', 'not_an_origin'],
    ['https://acme.example#x', 'not_an_origin'],
  ])('refuses %j (%s)', (input, reason) => {
    expect(checkWebOtpOrigin(input)).toEqual({ ok: false, reason });
  });
});

describe('checkHelpUrl', () => {
  it('accepts a plain https page and normalises it', () => {
    expect(checkHelpUrl('https://acme.example/security')).toEqual({
      ok: true,
      url: 'https://acme.example/security',
    });
    expect(checkHelpUrl('https://ACME.example')).toEqual({ ok: true, url: 'https://acme.example/' });
  });

  it.each([
    ['http://acme.example/security', 'not_https'],
    ['https://a@acme.example/', 'has_credentials'],
    ['https://acme.example:444/', 'has_port'],
    ['https://acme.example/ security', 'not_a_url'],
    ['https://acme.example/\u202Ex', 'not_a_url'],
    [`https://acme.example/${'a'.repeat(200)}`, 'not_a_url'],
  ])('refuses %j (%s)', (input, reason) => {
    expect(checkHelpUrl(input)).toEqual({ ok: false, reason });
  });
});
