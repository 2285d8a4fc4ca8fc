import { describe, expect, it } from 'vitest';
import { diagnose } from './diagnose.ts';
import type { DiagnosisCode, DiagnosisInput } from './types.ts';

const NOW = Date.UTC(2026, 0, 1);
const base: DiagnosisInput = {
  status: 'pending',
  sends: [{ channel: 'sms', status: 'accepted', provider: 'twilio' }],
  timeline: [{ type: 'created' }, { type: 'sent', channel: 'sms', provider: 'twilio' }],
  now: NOW,
  expiresAt: NOW + 5 * 60_000,
  attempts: 0,
  maxAttempts: 5,
};

const cases: readonly (readonly [DiagnosisCode, Partial<DiagnosisInput>, RegExp, RegExp])[] = [
  [
    'rate_limited',
    {
      status: 'failed',
      refused: { reason: 'rate_limited' },
      sends: [],
      timeline: [{ type: 'refused', detail: { reason: 'rate_limited', scope: 'destination' } }],
    },
    /too many codes were sent to this destination/,
    /上限/,
  ],
  [
    'fraud_blocked',
    {
      status: 'failed',
      refused: { reason: 'destination_blocked' },
      sends: [],
      timeline: [{ type: 'refused', detail: { reason: 'destination_blocked', block: 'country' } }],
    },
    /fraud guard.*country/,
    /不正対策/,
  ],
  ['locked', { status: 'locked', attempts: 5 }, /locked after 5 wrong codes/, /5回/],
  ['expired_unused', { status: 'expired', expiresAt: NOW - 1 }, /expired without being used/, /有効期限/],
  ['canceled', { status: 'canceled' }, /canceled/, /取り消し/],
  [
    'delivery_failed',
    { status: 'failed', timeline: [{ type: 'delivery_failed' }] },
    /could not deliver/,
    /届けられません/,
  ],
  [
    'code_unreadable',
    {
      status: 'failed',
      sends: [{ channel: 'sms', status: 'failed' }],
      timeline: [
        { type: 'send_failed', channel: 'sms', detail: { kind: 'open_failed' } },
        { type: 'delivery_failed', detail: { reason: 'permanent_error' } },
      ],
    },
    /could not read the stored code.*SENDCODE_SECRET/,
    /読み取れません.*認証は失敗/,
  ],
  [
    'message_unrenderable',
    {
      status: 'failed',
      sends: [{ channel: 'email', status: 'failed' }],
      timeline: [
        { type: 'send_failed', channel: 'email', detail: { kind: 'render_failed' } },
        { type: 'delivery_failed', detail: { reason: 'permanent_error' } },
      ],
    },
    /could not write the message.*brand.*verification failed/,
    /ブランド名/,
  ],
  [
    'adapter_error',
    {
      status: 'approved',
      sends: [
        { channel: 'sms', status: 'failed', provider: 'twilio' },
        { channel: 'email', status: 'accepted', provider: 'smtp' },
      ],
      timeline: [
        { type: 'send_failed', channel: 'sms', provider: 'twilio', detail: { kind: 'adapter_error' } },
        { type: 'failover', channel: 'email', detail: { reason: 'permanent_error', fromChannel: 'sms' } },
        { type: 'sent', channel: 'email', provider: 'smtp' },
      ],
    },
    /connection to a provider failed.*We sent the code by email instead\. The user then entered the code correctly/,
    /当社側の不具合.*代わりにメールで送信しました。その後、ユーザーは正しいコードを入力しました/,
  ],
  [
    'carrier_mail_rejected',
    {
      status: 'approved',
      warnings: ['carrier_mail_domain'],
      sends: [
        { channel: 'email', status: 'failed', provider: 'smtp' },
        { channel: 'sms', status: 'delivered', provider: 'twilio' },
      ],
      timeline: [
        { type: 'send_failed', channel: 'email', detail: { kind: 'permanent', providerCode: '550' } },
        { type: 'failover', channel: 'sms', detail: { reason: 'permanent_error', fromChannel: 'email' } },
        { type: 'sent', channel: 'sms', provider: 'twilio' },
      ],
    },
    /carrier mail refused our email.*We sent SMS instead, which was delivered.*entered the code correctly/,
    /キャリアメール/,
  ],
  [
    'no_receipt_next_channel',
    {
      sends: [
        { channel: 'sms', status: 'accepted' },
        { channel: 'voice', status: 'delivered' },
      ],
      timeline: [
        { type: 'sent', channel: 'sms' },
        { type: 'no_receipt', channel: 'sms' },
        { type: 'failover', channel: 'voice', detail: { reason: 'no_receipt', fromChannel: 'sms' } },
        { type: 'sent', channel: 'voice' },
      ],
    },
    /never confirmed delivery, so we tried phone call next, which was delivered/,
    /配信確認/,
  ],
  [
    'undelivered_next_channel',
    { timeline: [{ type: 'failover', channel: 'voice', detail: { reason: 'undelivered' } }] },
    /undelivered/,
    /不達/,
  ],
  [
    'provider_outage',
    {
      sends: [{ channel: 'sms', status: 'delivered', provider: 'vonage' }],
      timeline: [
        { type: 'send_failed', channel: 'sms', provider: 'twilio', detail: { kind: 'retryable' } },
        { type: 'sent', channel: 'sms', provider: 'vonage' },
      ],
    },
    /other provider, which delivered it/,
    /障害/,
  ],
  [
    'providers_failing_next_channel',
    {
      sends: [
        { channel: 'sms', status: 'failed' },
        { channel: 'voice', status: 'delivered', provider: 'twilio' },
      ],
      timeline: [
        { type: 'send_failed', channel: 'sms', provider: 'twilio', detail: { kind: 'retryable' } },
        { type: 'send_failed', channel: 'sms', provider: 'vonage', detail: { kind: 'retryable' } },
        { type: 'failover', channel: 'voice', detail: { reason: 'retries_exhausted', fromChannel: 'sms' } },
        { type: 'sent', channel: 'voice', provider: 'twilio' },
      ],
    },
    /Every SMS provider kept failing.*by phone call instead, which was delivered.*expect the code by phone call/,
    /SMSの事業者がすべて失敗.*音声通話で送信しました（配信済み）/,
  ],
  [
    'failed_over',
    { timeline: [{ type: 'failover', channel: 'voice', detail: { reason: 'permanent_error' } }] },
    /failed, so we sent the code/,
    /失敗/,
  ],
  [
    'fixed_line_called',
    {
      warnings: ['fixed_line_voice'],
      sends: [{ channel: 'voice', status: 'delivered' }],
      timeline: [{ type: 'sent', channel: 'voice' }],
    },
    /landline.*called it/,
    /固定電話/,
  ],
  [
    'routed_around_provider',
    {
      sends: [{ channel: 'sms', status: 'delivered', provider: 'vonage' }],
      timeline: [{ type: 'sent', channel: 'sms', provider: 'vonage', detail: { routedAround: 'twilio' } }],
    },
    /^Twilio was not delivering SMS messages.*sent the code through Vonage, which delivered it\. The user has not entered/,
    /^Twilioの.*SMSが届かない状態だったため.*Vonageから送信しました（配信済み）/,
  ],
  ['approved', { status: 'approved' }, /entered it correctly/, /正しく入力/],
  ['delivered', { sends: [{ channel: 'sms', status: 'delivered' }] }, /delivered by SMS/, /配信されました/],
  ['pending', {}, /on its way by SMS/, /送信中/],
];

describe('diagnose', () => {
  it.each(cases)('%s', (code, overrides, english, japanese) => {
    const diagnosis = diagnose({ ...base, ...overrides });
    expect(diagnosis.code).toBe(code);
    expect(`${diagnosis.en.summary} ${diagnosis.en.suggestion}`).toMatch(english);
    expect(`${diagnosis.ja.summary} ${diagnosis.ja.suggestion}`).toMatch(japanese);
    expect(diagnosis.en.suggestion).toMatch(/^Suggest: /);
    expect(diagnosis.ja.suggestion).toMatch(/^対応案：/);
  });

  it.each([
    ['rate_limited', 'destination', 'scope'],
    ['destination_blocked', 'country', 'block'],
  ])(
    'a %s refusal that stands for several starts says how many, and a single one does not',
    (reason, rule, key) => {
      const refusedBase = {
        ...base,
        status: 'failed' as const,
        sends: [],
        timeline: [{ type: 'refused', detail: { reason, [key]: rule } }],
      };
      const three = diagnose({ ...refusedBase, refused: { reason, count: 3 } });
      expect(three.en.summary).toMatch(/^No code was sent: .* \(refused 3 times\)\.$/);
      expect(three.ja.summary).toMatch(/（3回拒否されました）。$/);
      const one = diagnose({ ...refusedBase, refused: { reason, count: 1 } });
      expect(one.en.summary).not.toMatch(/refused \d+ times/);
      expect(one.ja.summary).not.toMatch(/回拒否/);
      expect(diagnose({ ...refusedBase, refused: { reason } }).en.summary).toBe(one.en.summary);
    },
  );

  it('a carrier-mail failover without the carrier warning is a plain failover', () => {
    const timeline = [{ type: 'failover', detail: { reason: 'permanent_error', fromChannel: 'email' } }];
    expect(diagnose({ ...base, timeline }).code).toBe('failed_over');
  });

  it('a fault on our side that the next channel worked around asks for no new verification', () => {
    const timeline = [
      { type: 'send_failed', channel: 'sms', detail: { kind: 'render_failed' } },
      { type: 'failover', channel: 'email', detail: { reason: 'permanent_error', fromChannel: 'sms' } },
      { type: 'sent', channel: 'email' },
    ] as const;
    const diagnosis = diagnose({ ...base, timeline, sends: [{ channel: 'email', status: 'accepted' }] });
    expect(diagnosis.code).toBe('message_unrenderable');
    expect(diagnosis.en.summary).toMatch(/We sent the code by email instead\. The user has not entered/);
    expect(diagnosis.en.suggestion).not.toMatch(/new verification/);
    expect(diagnosis.ja.suggestion).not.toMatch(/新しい認証/);
  });

  it('a permanent error on one provider is not an outage', () => {
    const timeline = [
      { type: 'send_failed', channel: 'sms', provider: 'twilio', detail: { kind: 'permanent' } },
      { type: 'sent', channel: 'sms', provider: 'vonage' },
    ] as const;
    expect(diagnose({ ...base, timeline }).code).not.toBe('provider_outage');
  });

  it('a routed send that then went unreceipted is told as the missing receipt; a probe is no routing', () => {
    const routed = {
      type: 'sent',
      channel: 'sms',
      provider: 'vonage',
      detail: { routedAround: 'twilio' },
    } as const;
    const timeline = [
      routed,
      { type: 'failover', channel: 'voice', detail: { reason: 'no_receipt', fromChannel: 'sms' } },
      { type: 'sent', channel: 'voice', provider: 'twilio' },
    ] as const;
    expect(diagnose({ ...base, timeline }).code).toBe('no_receipt_next_channel');
    const probe = { type: 'sent', channel: 'sms', provider: 'twilio', detail: { probe: true } } as const;
    expect(diagnose({ ...base, timeline: [probe] }).code).toBe('pending');
    const approved = diagnose({ ...base, status: 'approved', timeline: [routed] });
    expect(approved.code).toBe('routed_around_provider');
    expect(approved.en.summary).toMatch(/through Vonage\. The user then entered the code correctly\.$/);
  });

  it('says how long is left while pending, never a negative time', () => {
    expect(diagnose(base).en.suggestion).toContain('5 min left');
    expect(diagnose({ ...base, expiresAt: NOW - 60_000 }).en.suggestion).toContain('0 min left');
  });
});
