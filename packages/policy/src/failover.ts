/**
 * The failover decision: given the plan and where delivery stands, what happens after a step failed?
 * Like Hono's SmartRouter, the plan is an ordered chain walked forward only; a step the caller cannot
 * use (no provider configured for its channel) is passed over, never retried out of order.
 */
import type { PlanStep } from './types.ts';

/**
 * Why a worker leaves a step. A metric label (`sendcode_failovers_total{reason}`) and stored in
 * timelines: add, never rename.
 */
export const FAILOVER_REASONS = [
  'permanent_error',
  'retries_exhausted',
  'circuit_open',
  'undelivered',
  'no_receipt',
  'destination_limited',
] as const;
export type FailoverReason = (typeof FAILOVER_REASONS)[number];

/** Where delivery stands when step `step` has just failed. */
export interface NextStepInput {
  readonly plan: readonly PlanStep[];
  /** The step that just failed (an index into `plan`). */
  readonly step: number;
  /** Sends so far, the failed one included. */
  readonly sends: number;
  readonly maxSends: number;
  /** Epoch ms. */
  readonly now: number;
  /** Epoch ms. */
  readonly expiresAt: number;
  /** Steps whose channel has no usable provider are skipped (e.g. no voice provider configured). Default: all usable. */
  readonly usable?: (step: PlanStep) => boolean;
}

/** Send the code again at plan step `step`, or give up for `reason`. */
export type NextStep =
  | { readonly action: 'send'; readonly step: number }
  | { readonly action: 'fail'; readonly reason: 'plan_exhausted' | 'send_limit' | 'expired' };

/**
 * Decides what follows a failed step: `expired` once the code's lifetime is over, then `send_limit`
 * once `maxSends` sends were made, else the first usable step after `step`, else `plan_exhausted`.
 *
 * @throws RangeError when `step`, `sends` or `maxSends` is not a non-negative integer.
 */
export function nextStep(input: NextStepInput): NextStep {
  const { plan, step, sends, maxSends, usable = () => true } = input;
  for (const [name, value] of [
    ['step', step],
    ['sends', sends],
    ['maxSends', maxSends],
  ] as const) {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new RangeError(`${name} must be a non-negative integer`);
    }
  }
  if (input.now >= input.expiresAt) return { action: 'fail', reason: 'expired' };
  if (sends >= maxSends) return { action: 'fail', reason: 'send_limit' };
  for (let next = step + 1; next < plan.length; next += 1) {
    const candidate = plan[next];
    if (candidate !== undefined && usable(candidate)) return { action: 'send', step: next };
  }
  return { action: 'fail', reason: 'plan_exhausted' };
}
