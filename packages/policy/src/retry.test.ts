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

  it('refuses nonsense input', () => {
    expect(() => canRetry({ ...base, attempt: 0 })).toThrow(RangeError);
    expect(() => canRetry({ ...base, maxAttempts: 2.5 })).toThrow(RangeError);
    expect(() => canRetry({ ...base, backoffMs: -1 })).toThrow(RangeError);
    expect(() => canRetry({ ...base, jitter: 1.5 })).toThrow(RangeError);
    expect(() => canRetry({ ...base, jitter: Number.NaN })).toThrow(RangeError);
  });
});
