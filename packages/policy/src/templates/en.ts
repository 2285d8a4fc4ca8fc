/** English templates (also the fallback for any locale without its own file). */
import type { LocaleStrings } from './strings.ts';

export const en: LocaleStrings = {
  voiceLanguage: 'en-US',
  purposes: {
    sign_in: 'sign-in code',
    sign_up: 'sign-up code',
    password_reset: 'password reset code',
    contact_verification: 'verification code',
    transaction: 'transaction approval code',
    default: 'verification code',
  },
  subject: (code, brand, what) => `${code} is your ${brand} ${what}`,
  codeSentence: (code, brand, what) => `${code} is your ${brand} ${what}.`,
  expires: (minutes) => `It expires in ${minutes} ${minutes === 1 ? 'minute' : 'minutes'}.`,
  ignore: 'If you did not ask for this, ignore this message.',
  // No full stop after the URL: some mail clients would make it part of the link.
  visit: { before: 'If you are worried about your account, visit ', after: '' },
  ignoreCall: 'If you did not ask for this, ignore this call.',
  voiceIntro: (brand) => `Hello, this is ${brand}.`,
  voiceCode: (what, digits) => `Your ${what} is ${digits}.`,
  voiceAgain: (digits) => `Again, your code is ${digits}.`,
  digitSeparator: ', ',
  sentenceJoiner: ' ',
};
