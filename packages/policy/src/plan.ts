/**
 * The delivery plan: the ordered options a verification may use for its one code — the primary
 * destination first, then the fallbacks the caller listed (cross-channel failover is opt-in, so we
 * never invent a step). Workers walk it in order on failure; resend may pick another step.
 */
import type { ChannelName, Destination, PlanStep } from './types.ts';

/** Most steps a plan may have; matches the default "sends per verification". */
export const MAX_PLAN_STEPS = 5;

/** One requested option: a destination and, optionally, the channel to use for it. */
export interface PlanRequest {
  readonly to: Destination;
  readonly channel?: ChannelName;
}

/** What `buildPlan` is given: the primary option and its fallbacks, in order. */
export interface PlanInput extends PlanRequest {
  readonly fallbacks?: readonly PlanRequest[];
}

/** Result of `buildPlan`. `index` is 0 for the primary option and 1.. for fallbacks (array index + 1). */
export type PlanResult =
  | { readonly ok: true; readonly plan: PlanStep[] }
  | { readonly ok: false; readonly reason: 'channel_mismatch'; readonly index: number }
  | { readonly ok: false; readonly reason: 'too_many_steps' };

/** The channel used when none is named: email for an address, SMS for a phone number. */
export function defaultChannel(d: Destination): ChannelName {
  return d.kind === 'email' ? 'email' : 'sms';
}

/** Whether a channel can deliver to this kind of destination. */
export function channelFits(channel: ChannelName, d: Destination): boolean {
  switch (channel) {
    case 'email':
      return d.kind === 'email';
    case 'sms':
    case 'voice':
      return d.kind === 'phone';
  }
}

/**
 * Builds the plan. Fails on the first option whose channel cannot reach its destination; drops exact
 * duplicates (same channel and address) keeping the first, so `sms` then `sms` again is one step; and
 * refuses more than `MAX_PLAN_STEPS` distinct steps instead of silently cutting the caller's list.
 * Whether a phone can take SMS (e.g. a landline) is not decided here: the adapter reports it and
 * failover moves on.
 */
export function buildPlan(input: PlanInput): PlanResult {
  const requests = [input, ...(input.fallbacks ?? [])];
  const plan: PlanStep[] = [];
  for (const [index, request] of requests.entries()) {
    const channel = request.channel ?? defaultChannel(request.to);
    if (!channelFits(channel, request.to)) return { ok: false, reason: 'channel_mismatch', index };
    const to = request.to.address;
    if (!plan.some((s) => s.channel === channel && s.to === to)) plan.push({ channel, to });
  }
  if (plan.length > MAX_PLAN_STEPS) return { ok: false, reason: 'too_many_steps' };
  return { ok: true, plan };
}
