/**
 * Renders the message for each channel. The layout is the anti-phishing rule set, identical in every
 * locale: the code first (so it is the first run of digits, and notification previews show it), then
 * the brand, then the lifetime, then "if you did not ask for this, ignore it" — and no link unless
 * the operator configured one for the client: a WebOTP line ending an SMS, a help URL ending an email.
 */
import type { ChannelName, MessageContext, MessageFor } from '../types.ts';
import { emailHtml } from './html.ts';
import { type Prepared, prepare } from './prepare.ts';

type Renderers = { readonly [C in ChannelName]: (p: Prepared) => MessageFor<C> };

const RENDERERS: Renderers = {
  email: ({ code, brand, minutes, what, locale, t, fromName, url }) => {
    const subject = t.subject(code, brand, what);
    const paragraphs = [t.codeSentence(code, brand, what), t.expires(minutes), t.ignore];
    const visit = url === undefined ? [] : [`${t.visit.before}${url}${t.visit.after}`];
    return {
      channel: 'email',
      subject,
      text: `${[...paragraphs, ...visit].join('\n\n')}\n`,
      html: emailHtml({
        lang: locale,
        title: subject,
        code,
        paragraphs,
        ...(url === undefined ? {} : { link: { ...t.visit, url } }),
      }),
      ...(fromName === undefined ? {} : { fromName }),
    };
  },
  sms: ({ code, brand, minutes, what, t, webOtpHost }) => {
    const text = [t.codeSentence(code, brand, what), t.expires(minutes), t.ignore].join(t.sentenceJoiner);
    // WebOTP / SMS Retriever origin-bound format: the last line is `@<host> #<code>`.
    return { channel: 'sms', text: webOtpHost === undefined ? text : `${text}\n\n@${webOtpHost} #${code}` };
  },
  voice: ({ code, brand, minutes, what, t }) => {
    const digits = Array.from(code).join(t.digitSeparator);
    const speech = [
      t.voiceIntro(brand),
      t.voiceCode(what, digits),
      t.voiceAgain(digits),
      t.expires(minutes),
      t.ignoreCall,
    ];
    return { channel: 'voice', speech: speech.join(t.sentenceJoiner), language: t.voiceLanguage };
  },
};

/**
 * Renders the message a channel delivers; `renderMessage('sms', ctx)` is typed `SmsMessage`.
 * Unknown locales fall back to English, unknown purposes to the generic wording. `senderName`
 * becomes the email's `fromName`; `webOtpOrigin` adds the WebOTP line to SMS; `url` adds one help
 * line to email (text and HTML). Voice never carries either.
 * @throws RangeError when the code is not 4–10 digits, the lifetime is not positive, the brand or
 * sender name fails `checkBrand` (e.g. looks like a link), or `webOtpOrigin` / `url` is not a plain
 * https address on a domain (`checkWebOtpOrigin`, `checkHelpUrl`).
 */
export function renderMessage<C extends ChannelName>(channel: C, ctx: MessageContext): MessageFor<C> {
  const render: Renderers[C] = RENDERERS[channel];
  return render(prepare(ctx));
}
