import type { ChannelName, ProviderName } from '@sendcode/policy';
import type { HealthOutcome } from '@sendcode/store';
import type { EngineDeps } from './deps.ts';

/** The send whose fate is known, as the store's SendRecord has it. */
interface Settled {
  readonly channel: ChannelName;
  readonly provider?: ProviderName | undefined;
  /** When the provider accepted it, epoch ms: a delivered receipt's latency counts from there. */
  readonly acceptedAt?: number | undefined;
}

/**
 * Counts what became of an accepted SMS or call in its provider's delivery health, which orders the
 * providers of new sends (`routing.ts`). Email has no receipts, so nothing is counted for it. The
 * count is advisory: a failure is logged and does not fail the receipt or the timeout it came with.
 */
export async function countOutcome(deps: EngineDeps, send: Settled, outcome: HealthOutcome): Promise<void> {
  const { channel, provider } = send;
  if (channel === 'email' || provider === undefined) return;
  const now = deps.now();
  const latencyMs = outcome === 'delivered' && send.acceptedAt !== undefined ? now - send.acceptedAt : 0;
  try {
    await deps.health.record(`${provider}:${channel}`, outcome, now, latencyMs);
  } catch (error) {
    deps.logger.warn({ err: error, provider, channel, outcome }, 'delivery health not counted');
  }
}
