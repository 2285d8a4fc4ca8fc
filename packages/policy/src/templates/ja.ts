/** Japanese templates. Plain polite form; a space around the code and brand keeps them readable. */
import type { LocaleStrings } from './strings.ts';

export const ja: LocaleStrings = {
  voiceLanguage: 'ja-JP',
  purposes: {
    sign_in: 'ログイン用確認コード',
    sign_up: '登録用確認コード',
    password_reset: 'パスワード再設定用確認コード',
    contact_verification: '確認コード',
    transaction: '取引承認用確認コード',
    default: '確認コード',
  },
  subject: (code, brand, what) => `${code} は ${brand} の${what}です`,
  codeSentence: (code, brand, what) => `${code} は ${brand} の${what}です。`,
  expires: (minutes) => `有効期限は${minutes}分です。`,
  ignore: '心当たりがない場合は、このメッセージを無視してください。',
  visit: { before: 'アカウントについてご不安な場合は、', after: ' をご確認ください。' },
  ignoreCall: '心当たりがない場合は、この電話を無視してください。',
  voiceIntro: (brand) => `こちらは${brand}です。`,
  voiceCode: (what, digits) => `${what}は、${digits}。`,
  voiceAgain: (digits) => `繰り返します。${digits}。`,
  // The ideographic comma: Japanese voices pause on it as an English voice pauses on ', '.
  digitSeparator: '、',
  sentenceJoiner: '',
};
