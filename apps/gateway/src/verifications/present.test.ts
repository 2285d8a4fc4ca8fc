import type { TimelineEvent } from '@sendcode/store';
import { describe, expect, it } from 'vitest';
import { RAW, verificationRecord } from '../test-support.ts';
import { presentVerification } from './present.ts';

const record = verificationRecord({ step: 1, channel: 'sms', sends: 2, attempts: 2 });
const timeline: TimelineEvent[] = [
  { at: record.createdAt, type: 'created' },
  {
    at: record.createdAt + 1_000,
    type: 'sent',
    step: 0,
    channel: 'email',
    to: record.planMasked[0]?.to ?? '',
  },
];

describe('presentVerification', () => {
  it('shows the public fields only: no code, hash, client, account or key id', () => {
    expect(Object.keys(presentVerification(record)).sort()).toEqual(
      [
        'channel',
        'createdAt',
        'expiresAt',
        'id',
        'plan',
        'purpose',
        'remainingAttempts',
        'sends',
        'status',
        'to',
      ].sort(),
    );
    const json = JSON.stringify(presentVerification(record, timeline));
    for (const secret of [record.codeHash, 'sealed-code', 'acct-42', record.client, '+81901']) {
      expect(json).not.toContain(secret);
    }
  });

  it('never contains a clear destination, only the masked plan', () => {
    const json = JSON.stringify(presentVerification(record, timeline));
    for (const raw of [RAW.email, RAW.phone, 'taro.yamada', '9012345678']) expect(json).not.toContain(raw);
    expect(presentVerification(record).plan).toEqual(record.planMasked);
  });

  it("answers `to` for the current step, or the first one's when the step is not in the plan", () => {
    expect(presentVerification(record).to).toBe(record.planMasked[1]?.to);
    expect(presentVerification({ ...record, step: 7 }).to).toBe(record.planMasked[0]?.to);
  });

  it('counts the attempts left, never below 0', () => {
    expect(presentVerification(record).remainingAttempts).toBe(3);
    expect(presentVerification({ ...record, attempts: 9 }).remainingAttempts).toBe(0);
  });

  it('adds the timeline only when given, its times as ISO strings', () => {
    expect(presentVerification(record)).not.toHaveProperty('timeline');
    const shown = presentVerification(record, timeline);
    expect(shown.createdAt).toBe('2026-01-01T00:00:00.000Z');
    expect(shown.timeline?.map((e) => e.at)).toEqual([
      '2026-01-01T00:00:00.000Z',
      '2026-01-01T00:00:01.000Z',
    ]);
    expect(shown.timeline?.[1]).toMatchObject({
      type: 'sent',
      channel: 'email',
      to: record.planMasked[0]?.to,
    });
  });
});
