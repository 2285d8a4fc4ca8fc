/**
 * The retry budget: a retry is worth making only if it can start, and the code still be read, before
 * the code expires. Otherwise the worker should fail over (or give up) now instead of sleeping.
 */

/** Safety margin between the latest start of a retry and the code's expiry. */
export const RETRY_EXPIRY_MARGIN_MS = 5_000;

/** The attempt that just failed and the backoff that would delay the next one. */
export interface RetryInput {
  /** 1-based: the attempt that just failed. */
  readonly attempt: number;
  readonly maxAttempts: number;
  /** Base delay of the exponential backoff, ms. */
  readonly backoffMs: number;
  /** 0..1: how far the delay may stretch beyond the exponential one. */
  readonly jitter: number;
  /** Epoch ms. */
  readonly now: number;
  /** Epoch ms. */
  readonly expiresAt: number;
}

/**
 * True when another attempt is allowed (`attempt < maxAttempts`) and even its latest possible start,
 * `now + backoffMs·2^(attempt−1)·(1+jitter)`, plus a 5 s margin is before `expiresAt`. The bound is
 * deliberately the pessimistic one: BullMQ's jitter only shortens a delay, so this never promises a
 * retry that could land after expiry.
 *
 * @throws RangeError on an attempt or maxAttempts that is not a positive integer, a negative or
 *   non-finite backoff, or a jitter outside 0..1.
 */
export function canRetry(input: RetryInput): boolean {
  const { attempt, maxAttempts, backoffMs, jitter, now, expiresAt } = input;
  if (!Number.isSafeInteger(attempt) || attempt < 1) throw new RangeError('attempt must be an integer ≥ 1');
  if (!Number.isSafeInteger(maxAttempts) || maxAttempts < 1) {
    throw new RangeError('maxAttempts must be an integer ≥ 1');
  }
  if (!Number.isFinite(backoffMs) || backoffMs < 0) throw new RangeError('backoffMs must be ≥ 0');
  if (!(jitter >= 0 && jitter <= 1)) throw new RangeError('jitter must be from 0 to 1');
  if (attempt >= maxAttempts) return false;
  const latestDelay = backoffMs * 2 ** (attempt - 1) * (1 + jitter);
  return now + latestDelay + RETRY_EXPIRY_MARGIN_MS < expiresAt;
}
