/** Japanese diagnoses. */

import type { ProviderName } from '../providers.ts';
import type { ChannelName } from '../types.ts';
import type { DiagnosisStrings } from './strings.ts';
import type { DiagnosisFacts } from './types.ts';

const channels: Record<ChannelName, string> = { email: 'メール', sms: 'SMS', voice: '音声通話' };
const via = (channel: ChannelName | undefined) => (channel ? `${channels[channel]}で` : '');
const fresh = '対応案：新しい認証を開始してください。';
const times = (f: DiagnosisFacts) => (f.refusals > 1 ? `（${f.refusals}回拒否されました）` : '');
const providers: Record<ProviderName, string> = {
  smtp: '当社のメールサーバー',
  twilio: 'Twilio',
  vonage: 'Vonage',
};
const name = (provider: ProviderName | undefined) => (provider ? providers[provider] : '別の事業者');

const SCOPES: Record<string, string> = {
  destination: 'この宛先への送信回数が短時間に上限を超えました',
  destination_day: 'この宛先への本日の送信回数が上限を超えました',
  account: 'このアカウントへのコード要求が多すぎました',
  ip: '同じIPアドレスからのコード要求が多すぎました',
  client: 'アプリからのリクエストが多すぎました',
  prefix: 'この番号帯への送信が多すぎました',
  spend: 'アプリの本日のSMS・通話予算を使い切りました',
};

const BLOCKS: Record<string, string> = {
  country: 'このアプリではこの国への送信が許可されていません',
  prefix_suspended: 'この番号帯への送信は一時停止中です（コードがほとんど使われていませんでした）',
};

const delivered = (f: DiagnosisFacts) => (f.delivered ? '（配信済み）' : '');

const outcome = (f: DiagnosisFacts) =>
  f.status === 'approved'
    ? 'その後、ユーザーは正しいコードを入力しました。'
    : 'ユーザーはまだコードを入力していません。';

/** 当社側で送信に失敗した後、計画の別のチャネルが引き継いだかどうか。 */
const movedOn = (f: DiagnosisFacts) =>
  f.status === 'failed'
    ? '計画のどのチャネルでも送信できず、認証は失敗しました。'
    : `代わりに${via(f.lastChannel) || '計画の次のチャネルで'}送信しました${delivered(f)}。${outcome(f)}`;

export const ja: DiagnosisStrings = {
  channels,
  outcome,
  codes: {
    rate_limited: {
      summary: (f) =>
        `コードは送信されていません：${SCOPES[f.scope ?? ''] ?? '送信回数の上限に達しました'}${times(f)}。`,
      suggestion: () => '対応案：数分待ってから新しいコードを要求するようユーザーに伝えてください。',
    },
    fraud_blocked: {
      summary: (f) =>
        `コードは送信されていません：不正対策により停止しました（${BLOCKS[f.block ?? ''] ?? '宛先がブロックされています'}）${times(f)}。`,
      suggestion: () =>
        '対応案：番号が正しいか確認してください。正当な利用者であれば別の番号かメールを使うか、管理者に許可国の設定を確認してもらってください。',
    },
    locked: {
      summary: (f) => `誤ったコードが${f.attempts}回入力されたため、認証はロックされました。`,
      suggestion: () =>
        '対応案：最後に届いたコードを入力するよう伝えたうえで、新しい認証を開始してください。',
    },
    expired_unused: {
      summary: (f) =>
        f.attempts > 0
          ? `誤ったコードが${f.attempts}回入力され、正しいコードが入力されないまま有効期限が切れました。`
          : `コードは${via(f.lastChannel)}送信されましたが、使われないまま有効期限が切れました。`,
      suggestion: () => `${fresh}届いたらすぐに入力するよう伝えてください。`,
    },
    canceled: {
      summary: () => 'コードが使われる前に、アプリが認証を取り消しました。',
      suggestion: () => fresh,
    },
    delivery_failed: {
      summary: () => '計画されたどのチャネルでもコードを届けられませんでした。',
      suggestion: () =>
        '対応案：電話番号またはメールアドレスをユーザーに確認するか、別のチャネルを案内してください。',
    },
    code_unreadable: {
      summary: (f) =>
        `保存されたコードをサーバーが読み取れませんでした（このサーバーにない秘密鍵で暗号化されたか、データが壊れています）。${movedOn(f)}`,
      suggestion: (f) =>
        `対応案：${f.status === 'failed' ? '新しい認証を開始してください。あわせて' : ''}管理者に、ゲートウェイとすべてのワーカーの SENDCODE_SECRET（鍵の切り替え後は SENDCODE_PREVIOUS_SECRETS も）が同じか確認してもらってください。`,
    },
    message_unrenderable: {
      summary: (f) =>
        `ブランド名またはアプリのメッセージ設定がメッセージに使えないため（例：ウェブアドレスのようなブランド名）、メッセージを作成できませんでした。${movedOn(f)}`,
      suggestion: (f) =>
        `対応案：アプリが送るブランド名とメッセージ設定を管理者に確認してもらってください${f.status === 'failed' ? '。そのうえで新しい認証を開始してください' : ''}。`,
    },
    adapter_error: {
      summary: (f) =>
        `送信事業者との接続処理が想定外の形で失敗しました（ユーザー側ではなく当社側の不具合です）。${movedOn(f)}`,
      suggestion: () =>
        '対応案：管理者に連絡してください（ワーカーのログに事業者名が記録されています）。認証が失敗している場合は、新しい認証を開始してください。',
    },
    carrier_mail_rejected: {
      summary: (f) =>
        `ユーザーのキャリアメールが当社のメールを拒否しました（PCメールの受信拒否設定と思われます）。代わりに${channels[f.lastChannel ?? 'sms']}で送信しました${delivered(f)}。`,
      suggestion: () => '対応案：当社ドメインからのメール受信を許可してもらうか、SMSを使ってください。',
    },
    no_receipt_next_channel: {
      summary: (f) =>
        `最初の事業者は送信を受け付けましたが配信確認が届かなかったため、次に${channels[f.lastChannel ?? 'voice']}を試しました${delivered(f)}。`,
      suggestion: () =>
        '対応案：まだ届かない場合は、端末の電源と電波状況を確認してもらうか、別のチャネルを使ってください。',
    },
    undelivered_next_channel: {
      summary: (f) =>
        `通信事業者から不達の通知があったため、次に${channels[f.lastChannel ?? 'voice']}を試しました${delivered(f)}。`,
      suggestion: () =>
        '対応案：番号をユーザーに確認してください。端末の電源が切れているかSMSを受信できない可能性があります。',
    },
    providers_failing_next_channel: {
      summary: (f) =>
        `${channels[f.firstChannel ?? 'sms']}の事業者がすべて失敗し続けたため（事業者側の障害）、数秒間再試行したあと、代わりに${via(f.lastChannel) || '計画の次のチャネルで'}送信しました${delivered(f)}。`,
      suggestion: (f) =>
        `対応案：ユーザーの連絡先に問題はありません。コードが${via(f.lastChannel) || '別のチャネルで'}届くことを伝えてください。障害は事業者側です。`,
    },
    provider_outage: {
      summary: (f) =>
        `最初の${channels[f.lastChannel ?? 'sms']}事業者に障害があったため、もう一方の事業者から送信しました${delivered(f)}。`,
      suggestion: () => '対応案：ユーザー側の対応は不要です。障害は当社側で、回避済みです。',
    },
    failed_over: {
      summary: (f) =>
        `最初の${via(f.firstChannel)}の送信に失敗したため、代わりに${via(f.lastChannel)}送信しました${delivered(f)}。`,
      suggestion: () => '対応案：連絡先をユーザーに確認してください。',
    },
    fixed_line_called: {
      summary: (f) =>
        `固定電話の番号でSMSを受信できないため、電話をかけてコードを読み上げました${f.delivered ? '（通話は完了）' : ''}。`,
      suggestion: () =>
        '対応案：その番号に電話がかかることを伝えるか、携帯電話の番号を使ってもらってください。',
    },
    routed_around_provider: {
      summary: (f) =>
        `${name(f.routedAround)}の${channels[f.lastChannel ?? 'sms']}が届かない状態だったため（受け付けた送信の多くが届いていませんでした）、${name(f.routedVia)}から送信しました${delivered(f)}。`,
      suggestion: () =>
        '対応案：ユーザー側の対応は不要です。届かない事業者を避けて送信しました。まだ届いていない場合は再送を案内してください。',
    },
    approved: {
      summary: (f) => `コードは${via(f.lastChannel)}送信され、ユーザーは正しく入力しました。`,
      suggestion: () => '対応案：対応は不要です。認証は成功しています。',
    },
    delivered: {
      summary: (f) => `コードは${via(f.lastChannel)}配信されました。`,
      suggestion: (f) =>
        `対応案：${channels[f.lastChannel ?? 'sms']}を確認してコードを入力するよう伝えてください（残り${f.minutesLeft}分）。`,
    },
    pending: {
      summary: (f) =>
        f.lastChannel
          ? `コードを${via(f.lastChannel)}送信中です。配信確認はまだありません。`
          : 'コードは送信待ちです。',
      suggestion: (f) => `対応案：1分ほど待ってから更新してください（有効期限まで残り${f.minutesLeft}分）。`,
    },
  },
};
