import type { SendRecord, TimelineEvent } from '@sendcode/store';
import { describe, expect, it } from 'vitest';
import { RAW, verificationRecord } from '../test-support.ts';
import { presentForSupport, type SupportView } from './present.ts';

const record = verificationRecord({ status: 'approved', sends: 3, step: 1, channel: 'sms', attempts: 2 });
const t = record.createdAt;
const [email, sms] = record.planMasked;
const sends: SendRecord[] = [
  {
    send: 1,
    step: 0,
    channel: 'email',
    status: 'accepted',
    queuedAt: t,
    provider: 'smtp',
    acceptedAt: t + 1,
  },
  {
    send: 2,
    step: 1,
    channel: 'sms',
    status: 'undelivered',
    queuedAt: t + 60_000,
    provider: 'twilio',
    providerMessageId: 'SM123',
    acceptedAt: t + 61_000,
    receiptAt: t + 70_000,
  },
  { send: 3, step: 1, channel: 'sms', status: 'delivered', queuedAt: t + 80_000, provider: 'vonage' },
];
const timeline: TimelineEvent[] = [
  { at: t, type: 'created' },
  { at: t + 1, type: 'sent', step: 0, channel: 'email', provider: 'smtp', to: email?.to ?? '' },
  { at: t + 60_000, type: 'failover', step: 1, channel: 'sms', detail: { reason: 'no_receipt' } },
  { at: t + 75_000, type: 'check_invalid' },
  { at: t + 80_000, type: 'resend', step: 1, channel: 'sms' },
  { at: t + 90_000, type: 'check_valid' },
];
const view: SupportView = { record, sends, timeline, knownWarnings: [], now: t + 100_000 };

describe('presentForSupport', () => {
  it('pairs each send after the first with the failover or resend that started it', () => {
    const steps = presentForSupport(view).steps;
    expect(steps.map((s) => s.startedBecause)).toEqual([undefined, 'no_receipt', 'resend']);
    expect(steps.map((s) => s.to)).toEqual([email?.to, sms?.to, sms?.to]);
    expect(steps.map((s) => s.receipt)).toEqual([undefined, 'undelivered', 'delivered']);
    expect(steps[1]).toMatchObject({ provider: 'twilio', receiptAt: '2026-01-01T00:01:10.000Z' });
  });

  it("names a failover without a reason 'failover'", () => {
    const bare = timeline.map((e) => (e.type === 'failover' ? { at: e.at, type: e.type } : e));
    expect(presentForSupport({ ...view, timeline: bare }).steps[1]?.startedBecause).toBe('failover');
  });

  it('lists the checks and what is left of them', () => {
    expect(presentForSupport(view).checks).toEqual({
      attempts: 2,
      maxAttempts: 5,
      remaining: 3,
      events: [
        { at: '2026-01-01T00:01:15.000Z', valid: false },
        { at: '2026-01-01T00:01:30.000Z', valid: true },
      ],
    });
  });

  it('warns of carrier mail from the masked domain, and of a landline only with a voice step', () => {
    expect(presentForSupport(view).warnings).toEqual(['carrier_mail_domain']);
    const landline = presentForSupport({ ...view, knownWarnings: ['fixed_line_voice'] });
    expect(landline.warnings).toEqual(['carrier_mail_domain', 'fixed_line_voice']);
    const smsOnly = verificationRecord({ planMasked: sms ? [sms] : [] });
    expect(
      presentForSupport({ ...view, record: smsOnly, knownWarnings: ['fixed_line_voice'] }).warnings,
    ).toEqual([]);
  });

  it("gives a refused start's reason, count and first and latest times", () => {
    const refused = verificationRecord({
      status: 'failed',
      refused: { reason: 'rate_limited', count: 4, firstAt: t, lastAt: t + 30_000 },
    });
    expect(presentForSupport({ ...view, record: refused, sends: [], timeline: [] }).outcome).toEqual({
      status: 'failed',
      refused: 'rate_limited',
      refusedCount: 4,
      firstRefusedAt: '2026-01-01T00:00:00.000Z',
      lastRefusedAt: '2026-01-01T00:00:30.000Z',
    });
    expect(presentForSupport(view).outcome).toEqual({ status: 'approved' });
  });

  it('diagnoses in English and Japanese, and never shows a clear destination, the code or its hash', () => {
    const shown = presentForSupport(view);
    expect(shown.diagnosis.en.summary).not.toBe('');
    expect(shown.diagnosis.ja.summary).not.toBe('');
    const json = JSON.stringify(shown);
    for (const secret of [
      RAW.email,
      RAW.phone,
      'taro.yamada',
      '9012345678',
      record.codeHash,
      'sealed-code',
    ]) {
      expect(json).not.toContain(secret);
    }
  });
});
