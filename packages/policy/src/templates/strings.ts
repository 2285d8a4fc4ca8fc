/**
 * The contract a locale file fulfils. Locale files hold words only; the order of the parts (code
 * first, brand, lifetime, then the "ignore" line) is fixed in `render.ts` so no locale can weaken the
 * anti-phishing layout. Strings must never contain a link.
 */
import type { Purpose } from '../types.ts';

/** A known purpose, or `default` for any purpose the templates have no wording for. */
export type PurposeKey = Purpose | 'default';

export interface LocaleStrings {
  /** BCP 47 language of the text-to-speech voice, e.g. `ja-JP`. */
  readonly voiceLanguage: string;
  /** What the code is, per purpose, as a noun phrase used inside the sentences below. */
  readonly purposes: Readonly<Record<PurposeKey, string>>;
  /** Email subject. Must start with the code. */
  subject(code: string, brand: string, what: string): string;
  /** The opening sentence of SMS and email bodies. Must start with the code. */
  codeSentence(code: string, brand: string, what: string): string;
  /** The lifetime, in whole minutes. */
  expires(minutes: number): string;
  /** The "if you did not ask for this" line of written messages. */
  readonly ignore: string;
  /**
   * Email only, and only when the client configured a help URL: the text around that URL, which
   * follows the "ignore" line (e.g. "… visit " + url + ".").
   */
  readonly visit: { readonly before: string; readonly after: string };
  /** The same line for a phone call. */
  readonly ignoreCall: string;
  /** The call's first sentence: who is calling. */
  voiceIntro(brand: string): string;
  /** Reads the code; `digits` is already spoken digit by digit. */
  voiceCode(what: string, digits: string): string;
  /** Reads the code a second time. */
  voiceAgain(digits: string): string;
  /**
   * Between spoken digits: a comma TTS engines pause on. A run of single digits joined by it is how
   * a listener (or the sandbox's parser) recovers the code; nothing else in a call is shaped like that.
   */
  readonly digitSeparator: string;
  /** Between sentences of an SMS or a call (a space in English, nothing in Japanese). */
  readonly sentenceJoiner: string;
}
