/**
 * The retry budget: a retry is worth making only if it can start, and the code still be read, before
 * the code expires — and, while the plan has a next step, before the step's own budget runs out: a
 * user at a sign-in screen waits seconds, not minutes, so a channel whose providers keep failing
 * hands over to the next step instead of retrying for most of the code's lifetime. Otherwise the
 * worker should fail over (or give up) now instead of sleeping.
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
  /**
   * Set only when the plan has a next step to move on to: the step's retries must start within
   * `retryMs` of `since` (epoch ms, when this send was queued). The last step has no budget but the
   * code's lifetime.
   */
  readonly stepBudget?: { readonly since: number; readonly retryMs: number };
}

/**
 * True when another attempt is allowed (`attempt < maxAttempts`) and
 *
 * - even its latest possible start, `now + backoffMs·2^(attempt−1)·(1+jitter)`, plus a 5 s margin is
 *   before `expiresAt`. The bound is deliberately the pessimistic one: BullMQ's jitter only shortens a
 *   delay, so this never promises a retry that could land after expiry;
 * - with a `stepBudget`, the retry's latest start, `now + backoffMs·2^(attempt−1)` (BullMQ's full
 *   exponential delay, which its jitter only shortens), is no later than `since + retryMs`. A retry
 *   that could be scheduled past the budget is not made: the plan moves on now, rather than after
 *   sleeping through a 16 s backoff only to give up then.
 *
 * @throws RangeError on an attempt or maxAttempts that is not a positive integer, a negative or
 *   non-finite backoff, a jitter outside 0..1, or a negative or non-finite step budget.
 */
export function canRetry(input: RetryInput): boolean {
  const { attempt, maxAttempts, backoffMs, jitter, now, expiresAt, stepBudget } = input;
  if (!Number.isSafeInteger(attempt) || attempt < 1) throw new RangeError('attempt must be an integer ≥ 1');
  if (!Number.isSafeInteger(maxAttempts) || maxAttempts < 1) {
    throw new RangeError('maxAttempts must be an integer ≥ 1');
  }
  if (!Number.isFinite(backoffMs) || backoffMs < 0) throw new RangeError('backoffMs must be ≥ 0');
  if (!(jitter >= 0 && jitter <= 1)) throw new RangeError('jitter must be from 0 to 1');
  if (stepBudget && !(Number.isFinite(stepBudget.retryMs) && stepBudget.retryMs >= 0)) {
    throw new RangeError('stepBudget.retryMs must be a finite number ≥ 0');
  }
  if (attempt >= maxAttempts) return false;
  const delay = backoffMs * 2 ** (attempt - 1);
  if (stepBudget && now + delay > stepBudget.since + stepBudget.retryMs) return false;
  return now + delay * (1 + jitter) + RETRY_EXPIRY_MARGIN_MS < expiresAt;
}
