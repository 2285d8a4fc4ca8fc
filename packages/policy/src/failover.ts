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

/**
 * Why a worker failed a send on its own side, before or outside a provider's answer. Each is
 * permanent for that send (running it again would fail the same way), so the plan moves on with
 * reason `permanent_error`. Stored in timelines as the `kind` of a `send_failed` event, beside the
 * providers' error kinds, and read by the diagnosis: add, never rename.
 *
 * - `open_failed`: the sealed code or plan is missing, damaged, or sealed with a key the worker
 *   does not hold (a secret rotated on one side only);
 * - `render_failed`: the message templates refused the verification's brand or the client's message
 *   settings;
 * - `adapter_error`: the adapter broke its contract: it rejected with something that is not an
 *   Error, or resolved without a provider message id.
 */
export const SEND_FAILURES = ['open_failed', 'render_failed', 'adapter_error'] as const;
export type SendFailure = (typeof SEND_FAILURES)[number];

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
