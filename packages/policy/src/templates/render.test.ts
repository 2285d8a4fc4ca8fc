import { describe, expect, it } from 'vitest';
import type { MessageContext } from '../types.ts';
import { renderMessage } from './render.ts';

const base: MessageContext = {
  code: '012345',
  brand: 'Contoso',
  locale: 'en',
  ttlSeconds: 600,
  purpose: 'sign_in',
};
const IGNORE = {
  en: 'If you did not ask for this, ignore this message.',
  ja: '心当たりがない場合は、このメッセージを無視してください。',
};
const LINKY = /https?:|www\.|:\/\/|\.[a-z]{2,}\b/i;

/** What the sandbox does for SMS and email: the first run of 4–10 ASCII digits. */
function firstCode(text: string): string | undefined {
  return text.match(/(?<![0-9])[0-9]{4,10}(?![0-9])/)?.[0];
}

/** Runs of single digits joined by the voice separators, as a listener or parser would pick them out. */
function spokenCodes(speech: string): string[] {
  return (speech.match(/[0-9](?:(?:, |、)[0-9]){3,9}/g) ?? []).map((run) => run.replace(/\D/g, ''));
}

describe('renderMessage: written channels', () => {
  for (const locale of ['en', 'ja'] as const) {
    for (const purpose of ['sign_in', 'password_reset', 'contact_verification', 'something_else']) {
      it(`${locale} ${purpose}: code first, then brand, lifetime, ignore line; no links`, () => {
        const ctx = { ...base, locale, purpose };
        const sms = renderMessage('sms', ctx);
        const email = renderMessage('email', ctx);
        for (const text of [sms.text, email.subject, email.text]) {
          expect(text.startsWith('012345')).toBe(true);
          expect(text).not.toMatch(LINKY);
        }
        for (const text of [sms.text, email.text]) {
          const brandAt = text.indexOf('Contoso');
          const minutesAt = text.indexOf('10');
          const ignoreAt = text.indexOf(IGNORE[locale]);
          expect(brandAt).toBeGreaterThan(0);
          expect(minutesAt).toBeGreaterThan(brandAt);
          expect(ignoreAt).toBeGreaterThan(minutesAt);
        }
      });
    }
  }

  it('uses the examples’ wording', () => {
    const ctx = { ...base, code: '123456', purpose: 'contact_verification' };
    expect(renderMessage('email', ctx).subject).toBe('123456 is your Contoso verification code');
    expect(renderMessage('email', { ...ctx, locale: 'ja' }).subject).toBe(
      '123456 は Contoso の確認コードです',
    );
    expect(renderMessage('sms', ctx).text).toBe(
      '123456 is your Contoso verification code. It expires in 10 minutes. If you did not ask for this, ignore this message.',
    );
  });

  it('words each purpose differently', () => {
    const texts = ['sign_in', 'password_reset', 'contact_verification'].map(
      (purpose) => renderMessage('sms', { ...base, purpose }).text,
    );
    expect(new Set(texts).size).toBe(3);
    expect(texts[1]).toContain('password reset');
  });

  it('keeps the code as the first run of digits even when the brand has digits', () => {
    for (const locale of ['en', 'ja']) {
      const ctx = { ...base, locale, brand: 'Bank 2025', code: '9876' };
      expect(firstCode(renderMessage('sms', ctx).text)).toBe('9876');
      expect(firstCode(renderMessage('email', ctx).subject)).toBe('9876');
      expect(firstCode(renderMessage('email', ctx).text)).toBe('9876');
    }
  });

  it('fits one SMS segment for a typical brand (160 GSM-7 / 70 UCS-2 characters)', () => {
    for (const purpose of ['sign_in', 'sign_up', 'contact_verification', 'default']) {
      expect(renderMessage('sms', { ...base, purpose }).text.length).toBeLessThanOrEqual(160);
      expect(renderMessage('sms', { ...base, purpose, locale: 'ja' }).text.length).toBeLessThanOrEqual(70);
    }
  });

  it('states the lifetime in whole minutes, rounded down, singular when 1', () => {
    expect(renderMessage('sms', { ...base, ttlSeconds: 90 }).text).toContain('It expires in 1 minute.');
    expect(renderMessage('sms', { ...base, ttlSeconds: 300 }).text).toContain('It expires in 5 minutes.');
    expect(renderMessage('sms', { ...base, ttlSeconds: 300, locale: 'ja' }).text).toContain(
      '有効期限は5分です。',
    );
  });
});

describe('renderMessage: voice', () => {
  it('en: opens with the brand and reads the digits one by one, twice', () => {
    const voice = renderMessage('voice', base);
    expect(voice.language).toBe('en-US');
    expect(voice.speech.startsWith('Hello, this is Contoso.')).toBe(true);
    expect(voice.speech).toContain('0, 1, 2, 3, 4, 5.');
    expect(voice.speech).toContain('Again, your code is');
    expect(spokenCodes(voice.speech)).toEqual(['012345', '012345']);
    expect(voice.speech).toContain('If you did not ask for this');
    expect(voice.speech).not.toMatch(LINKY);
  });

  it('ja: Japanese voice, ideographic commas between digits, 繰り返します', () => {
    const voice = renderMessage('voice', { ...base, locale: 'ja-JP' });
    expect(voice.language).toBe('ja-JP');
    expect(voice.speech.startsWith('こちらはContosoです。')).toBe(true);
    expect(voice.speech).toContain('0、1、2、3、4、5');
    expect(voice.speech).toContain('繰り返します。');
    expect(spokenCodes(voice.speech)).toEqual(['012345', '012345']);
    expect(voice.speech).toContain('心当たりがない場合は');
  });

  it('does not mistake digits in the brand or lifetime for the code', () => {
    const voice = renderMessage('voice', { ...base, brand: 'Bank 2025', ttlSeconds: 1200 });
    expect(spokenCodes(voice.speech)).toEqual(['012345', '012345']);
  });
});

describe('renderMessage: refusals', () => {
  it.each([
    ['a code that is not 4–10 digits', { code: '12ab56' }],
    ['a brand that is a link', { brand: 'contoso.com' }],
    ['a brand with a URL', { brand: 'https://x' }],
    ['an empty brand', { brand: ' ' }],
    ['a non-positive lifetime', { ttlSeconds: 0 }],
    ['a sender name that is a link', { senderName: 'acme.example' }],
    ['a sender name with a line break', { senderName: 'Acme\nBcc: x' }],
    ['a WebOTP origin over http', { webOtpOrigin: 'http://acme.example' }],
    ['a WebOTP origin with a path', { webOtpOrigin: 'https://acme.example/otp' }],
    ['a help URL with credentials', { url: 'https://user:pw@acme.example/' }],
    ['a help URL that runs script', { url: 'javascript:alert(1)' }],
  ])('throws on %s, whatever the channel', (_, change) => {
    for (const channel of ['sms', 'email', 'voice'] as const) {
      expect(() => renderMessage(channel, { ...base, ...change })).toThrow(RangeError);
    }
  });

  it('says which field was refused', () => {
    expect(() => renderMessage('email', { ...base, url: 'http://acme.example' })).toThrow(
      'url cannot be used in a message: not_https',
    );
  });

  it('falls back to English for unknown locales', () => {
    expect(renderMessage('sms', { ...base, locale: 'fr-FR' }).text).toBe(renderMessage('sms', base).text);
  });
});
