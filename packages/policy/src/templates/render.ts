/**
 * Renders the message for each channel. The layout is the anti-phishing rule set, identical in every
 * locale: the code first (so it is the first run of digits, and notification previews show it), then
 * the brand, then the lifetime, then "if you did not ask for this, ignore it" — and never a link.
 */
import { type ChannelName, type MessageContext, type MessageFor, PURPOSES, type Purpose } from '../types.ts';
import { checkBrand } from './brand.ts';
import { stringsFor } from './locale.ts';
import type { LocaleStrings } from './strings.ts';

interface Prepared {
  readonly code: string;
  readonly brand: string;
  readonly minutes: number;
  readonly what: string;
  readonly t: LocaleStrings;
}

function isPurpose(value: string): value is Purpose {
  return (PURPOSES as readonly string[]).includes(value);
}

function prepare(ctx: MessageContext): Prepared {
  if (!/^[0-9]{4,10}$/.test(ctx.code)) throw new RangeError('code must be 4 to 10 ASCII digits');
  if (!Number.isFinite(ctx.ttlSeconds) || ctx.ttlSeconds <= 0)
    throw new RangeError('ttlSeconds must be positive');
  const brand = checkBrand(ctx.brand);
  if (!brand.ok) throw new RangeError(`brand cannot be used in a message: ${brand.reason}`);
  const t = stringsFor(ctx.locale);
  return {
    code: ctx.code,
    brand: brand.brand,
    // Rounded down: telling a user they have longer than they do makes them miss the deadline.
    minutes: Math.max(1, Math.floor(ctx.ttlSeconds / 60)),
    what: t.purposes[isPurpose(ctx.purpose) ? ctx.purpose : 'default'],
    t,
  };
}

type Renderers = { readonly [C in ChannelName]: (p: Prepared) => MessageFor<C> };

const RENDERERS: Renderers = {
  email: ({ code, brand, minutes, what, t }) => ({
    channel: 'email',
    subject: t.subject(code, brand, what),
    text: `${[t.codeSentence(code, brand, what), t.expires(minutes), t.ignore].join('\n\n')}\n`,
  }),
  sms: ({ code, brand, minutes, what, t }) => ({
    channel: 'sms',
    text: [t.codeSentence(code, brand, what), t.expires(minutes), t.ignore].join(t.sentenceJoiner),
  }),
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
 * Unknown locales fall back to English, unknown purposes to the generic wording.
 * @throws RangeError when the code is not 4–10 digits, the lifetime is not positive, or the brand
 * fails `checkBrand` (e.g. looks like a link).
 */
export function renderMessage<C extends ChannelName>(channel: C, ctx: MessageContext): MessageFor<C> {
  const render: Renderers[C] = RENDERERS[channel];
  return render(prepare(ctx));
}
