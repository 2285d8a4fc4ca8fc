import { describe, expect, it } from 'vitest';
import { type MessageContext, PURPOSES } from '../types.ts';
import { resolveLocale, stringsFor } from './locale.ts';
import { renderMessage } from './render.ts';

/**
 * Every template — each channel, locale and purpose (plus one the templates do not know), with and
 * without a client's settings — against the anti-phishing layout: code first, brand, the "ignore"
 * line, no link but the ones the client configured, and HTML that is only the tags we mean.
 */

type ClientContext = Pick<MessageContext, 'senderName' | 'webOtpOrigin' | 'url'>;

const FULL: ClientContext = {
  senderName: 'Acme Security',
  webOtpOrigin: 'https://login.acme.example',
  url: 'https://acme.example/security',
};
const CLIENTS: Readonly<Record<string, ClientContext>> = {
  none: {},
  full: FULL,
  webOtpOnly: { webOtpOrigin: 'https://acme.example' },
  urlOnly: { url: 'https://help.acme.example/lost-code?from=mail' },
};

const LOCALES = ['en', 'ja', 'ja-JP', 'en-GB', 'fr', 'zz'];
const PURPOSE_CASES = [...PURPOSES, 'unknown_purpose'];
const LINKISH = /https?:|www\.|\.[a-z]{2,}\//i;
const BARE_DOMAIN = /\b(?:[a-z0-9-]+\.)+[a-z]{2,}\b/i;
const VOID_TAGS = new Set(['meta', '!doctype']);

/** The text with every configured link taken out, which must leave nothing link-like behind. */
function withoutConfigured(text: string, ctx: ClientContext): string {
  let rest = text;
  if (ctx.url !== undefined)
    rest = rest.split(ctx.url).join('').split(ctx.url.replace(/&/g, '&amp;')).join('');
  if (ctx.webOtpOrigin !== undefined) rest = rest.split(`@${new URL(ctx.webOtpOrigin).hostname} #`).join('');
  return rest;
}

function expectNoLinks(text: string, ctx: ClientContext): void {
  const rest = withoutConfigured(text, ctx);
  expect(rest).not.toMatch(LINKISH);
  expect(rest).not.toMatch(BARE_DOMAIN);
}

/** Asserts every tag we emit is closed in order, and returns the visible text of <body>. */
function bodyText(html: string): string {
  const stack: string[] = [];
  for (const [, closing, name] of html.matchAll(/<(\/?)(!?[a-z]+)\b[^>]*>/gi)) {
    const tag = (name ?? '').toLowerCase();
    if (VOID_TAGS.has(tag)) continue;
    if (closing === '') stack.push(tag);
    else expect(stack.pop()).toBe(tag);
  }
  expect(stack).toEqual([]);
  const body = html.slice(html.indexOf('<body'), html.indexOf('</body>'));
  return body
    .replace(/<[^>]*>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

describe.each(Object.entries(CLIENTS))('every template, client settings: %s', (_, client) => {
  for (const locale of LOCALES) {
    for (const purpose of PURPOSE_CASES) {
      it(`${locale} ${purpose}`, () => {
        const ctx: MessageContext = {
          code: '048213',
          brand: 'Tom & Jerry <Co>',
          locale,
          ttlSeconds: 600,
          purpose,
          ...client,
        };
        const t = stringsFor(locale);
        const sms = renderMessage('sms', ctx);
        const email = renderMessage('email', ctx);
        const voice = renderMessage('voice', ctx);
        const html = bodyText(email.html);

        for (const text of [sms.text, email.subject, email.text, html]) {
          expect(text.startsWith('048213')).toBe(true);
          expect(text).toContain('Tom & Jerry <Co>');
        }
        for (const text of [sms.text, email.text, html]) expect(text).toContain(t.ignore);
        expect(voice.speech).toContain('Tom & Jerry <Co>');
        expect(voice.speech).toContain(t.ignoreCall);
        expect(voice.language).toBe(t.voiceLanguage);

        // Links: only what the client configured, and only where it belongs.
        expectNoLinks(sms.text, { webOtpOrigin: client.webOtpOrigin });
        expectNoLinks(email.subject, {});
        expectNoLinks(`${email.text}\n${email.html}`, { url: client.url });
        expectNoLinks(voice.speech, {});
        const lastLine = sms.text.split('\n').at(-1);
        if (client.webOtpOrigin === undefined) expect(sms.text).not.toContain('\n');
        else expect(lastLine).toBe(`@${new URL(client.webOtpOrigin).hostname} #048213`);
        if (client.url === undefined) {
          expect(email.html).not.toContain('<a');
        } else {
          expect(email.text).toContain(client.url);
          expect(email.html.match(/<a /g)).toHaveLength(1);
          expect(email.html).toContain(`<a href="${client.url.replace(/&/g, '&amp;')}">`);
        }
        expect(email.fromName).toBe(client.senderName);

        // The HTML part: our tags only, nothing that loads or runs.
        expect(email.html).not.toMatch(/<script|<img|<link|<iframe|<style|src=|url\(|on[a-z]+=/i);
        expect(email.html).not.toContain('<Co>');
        expect(email.html).toContain(`lang="${resolveLocale(locale)}"`);
        expect(email.html).toMatch(
          /<p style="[^"]*font-family:monospace[^"]*font-size:32px[^"]*">048213<\/p>/,
        );
      });
    }
  }
});

describe('locale fallback', () => {
  const base = { code: '1234', brand: 'Contoso', ttlSeconds: 300, purpose: 'sign_in', ...FULL };

  it.each([
    ['ja-JP', 'ja'],
    ['JA', 'ja'],
    ['en-GB', 'en'],
    ['fr', 'en'],
    ['', 'en'],
  ])('%j renders as %s', (locale, as) => {
    for (const channel of ['sms', 'email', 'voice'] as const) {
      expect(renderMessage(channel, { ...base, locale })).toEqual(
        renderMessage(channel, { ...base, locale: as }),
      );
    }
  });

  it('really is Japanese for ja', () => {
    expect(renderMessage('sms', { ...base, locale: 'ja' }).text).toContain('心当たりがない場合は');
    expect(renderMessage('email', { ...base, locale: 'ja' }).text).toContain(
      'アカウントについてご不安な場合は、https://acme.example/security をご確認ください。',
    );
  });
});
