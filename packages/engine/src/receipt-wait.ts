import { type ChannelName, emailFailoverMs, type PlanStep } from '@sendcode/policy';
import type { EngineConfig } from './config.ts';

/**
 * How long an accepted send waits for a sign of delivery before the plan moves on: the channel's
 * receipt timeout for SMS and calls when receipts are asked for (a `PUBLIC_URL`), a short wait for
 * carrier mail when the plan has a next step (such mail is often filtered without a bounce), nothing
 * for other email. `plan` may be the clear plan or the masked one: masking keeps an address's domain.
 * The delivery processor schedules the timeout with this, and the reconciler repairs a missing one
 * with it.
 */
export function receiptWaitMs(
  config: Pick<EngineConfig, 'publicUrl' | 'receiptTimeoutMs' | 'settings'>,
  channel: ChannelName,
  plan: readonly PlanStep[],
  step: number,
): number | undefined {
  if (channel !== 'email') return config.publicUrl ? config.receiptTimeoutMs[channel] : undefined;
  const current = plan[step];
  return current && step + 1 < plan.length ? emailFailoverMs(current, config.settings) : undefined;
}
