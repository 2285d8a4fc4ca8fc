import { describe, expect, it } from 'vitest';
import { canRetry, type RetryInput } from './retry.ts';

// A code expiring 60 s from now; retries of 1 s base with full jitter.
const base: RetryInput = {
  attempt: 1,
  maxAttempts: 3,
  backoffMs: 1_000,
  jitter: 1,
  now: 0,
  expiresAt: 60_000,
};

describe('canRetry', () => {
  it.each<[string, Partial<RetryInput>, boolean]>([
    ['allows a retry with time to spare', {}, true],
    ['allows the last attempt', { attempt: 2 }, true],
    ['stops once every attempt was made', { attempt: 3 }, false],
    ['stops past maxAttempts', { attempt: 4 }, false],
    ['never retries with maxAttempts 1', { maxAttempts: 1 }, false],
    // latest start 1 000·2^0·2 = 2 000; + 5 000 margin = 7 000
    ['allows a start that ends just before expiry', { expiresAt: 7_001 }, true],
    ['refuses a start that ends at expiry', { expiresAt: 7_000 }, false],
    ['counts the jitter', { jitter: 0, expiresAt: 6_001 }, true],
    ['counts the jitter (stretched)', { jitter: 0.5, expiresAt: 6_001 }, false],
    // attempt 3 of 5: 1 000·2^2·2 = 8 000; + 5 000 = 13 000 after now
    ['doubles the delay per attempt', { attempt: 3, maxAttempts: 5, now: 10_000, expiresAt: 23_000 }, false],
    [
      'doubles the delay per attempt (room)',
      { attempt: 3, maxAttempts: 5, now: 10_000, expiresAt: 23_001 },
      true,
    ],
    ['refuses when already expired', { now: 60_000 }, false],
    ['refuses inside the margin even without backoff', { backoffMs: 0, now: 55_000 }, false],
  ])('%s', (_name, overrides, expected) => {
    expect(canRetry({ ...base, ...overrides })).toBe(expected);
  });

  describe('with a step budget (the plan has a next step)', () => {
    // Sent at 0 with a 15 s budget and BullMQ's defaults: 1 s base, doubling, ± 50 % jitter.
    const budgeted: RetryInput = {
      ...base,
      maxAttempts: 10,
      jitter: 0.5,
      expiresAt: 600_000,
      stepBudget: { since: 0, retryMs: 15_000 },
    };

    it.each<[string, Partial<RetryInput>, boolean]>([
      // attempt 4 failed at 7 s: the next delay is at most 1 000·2^3 = 8 000 → starts by 15 000
      ['retries when the next attempt starts by the end of the budget', { attempt: 4, now: 7_000 }, true],
      // …and one millisecond later it could start past it: move on now, not after the backoff
      ['moves on when the next attempt could start past the budget', { attempt: 4, now: 7_001 }, false],
      // the jitter never stretches BullMQ's delay, so only the full exponential delay counts
      ['does not stretch the delay by the jitter', { attempt: 1, now: 14_000 }, true],
      ['moves on once the budget is spent', { attempt: 1, now: 15_000 }, false],
      ['a budget of 0 moves on at the first failure', { stepBudget: { since: 0, retryMs: 0 } }, false],
      // measured from when the send was queued, not from now
      [
        'counts from `since`',
        { attempt: 4, now: 17_000, stepBudget: { since: 10_000, retryMs: 15_000 } },
        true,
      ],
      ['still stops at maxAttempts', { attempt: 10 }, false],
      // within the budget, but 595 000 + 1 500 + the 5 s margin is past expiry
      ['still stops before expiry', { now: 595_000, stepBudget: { since: 590_000, retryMs: 15_000 } }, false],
    ])('%s', (_name, overrides, expected) => {
      expect(canRetry({ ...budgeted, ...overrides })).toBe(expected);
    });

    it('without a budget (the last step) retries within the lifetime, long past 15 s', () => {
      const { stepBudget: _, ...lastStep } = budgeted;
      expect(canRetry({ ...lastStep, attempt: 6, now: 31_000 })).toBe(true);
    });

    it('leaves the step within 15 s however the jitter falls', () => {
      // Attempts at the earliest and the latest BullMQ may schedule them: the last one made starts
      // by the budget's end and the one refused would have started past it.
      for (const shrink of [0.5, 0.75, 1]) {
        let now = 0;
        let attempt = 1;
        while (canRetry({ ...budgeted, attempt, now })) {
          now += 1_000 * 2 ** (attempt - 1) * shrink;
          attempt += 1;
        }
        expect(now).toBeLessThanOrEqual(15_000);
        expect(now + 1_000 * 2 ** (attempt - 1)).toBeGreaterThan(15_000);
      }
    });
  });

  it('refuses nonsense input', () => {
    expect(() => canRetry({ ...base, attempt: 0 })).toThrow(RangeError);
    expect(() => canRetry({ ...base, maxAttempts: 2.5 })).toThrow(RangeError);
    expect(() => canRetry({ ...base, backoffMs: -1 })).toThrow(RangeError);
    expect(() => canRetry({ ...base, jitter: 1.5 })).toThrow(RangeError);
    expect(() => canRetry({ ...base, jitter: Number.NaN })).toThrow(RangeError);
    expect(() => canRetry({ ...base, stepBudget: { since: 0, retryMs: -1 } })).toThrow(RangeError);
    expect(() => canRetry({ ...base, stepBudget: { since: 0, retryMs: Number.NaN } })).toThrow(RangeError);
  });
});
