import type { Channel } from '@sendcode/channels/channel';
import type { ChannelName, ProviderOrder } from '@sendcode/policy';
import type { SenderDeps } from '../deps.ts';
import { failover } from '../failover.ts';
import { failedSend, type Outgoing, type RetryKind, type StepOutcome } from './outcome.ts';
import { callProvider, circuitAllows, type Turn } from './provider.ts';
import { chargeSpend } from './spend.ts';

/** Whether a provider gets its turn in a pass over the providers. */
type Gate<C extends ChannelName> = (
  deps: SenderDeps,
  out: Outgoing<C>,
  adapter: Channel<C>,
) => Promise<boolean>;

/** The pass made when every circuit is open and the plan has nowhere else to go: everyone is called. */
const failOpen = async () => true;

/**
 * Sends one step: charges SMS and calls to the client's day, then tries the channel's providers in
 * the order their delivery health says, stopping at the first that accepts or refuses for good. The
 * charge is given back here, and only here, when no provider accepted.
 */
export async function attemptStep<C extends ChannelName>(
  deps: SenderDeps,
  out: Outgoing<C>,
): Promise<StepOutcome> {
  const charge = await chargeSpend(deps, out.record, out.channel, out.facts.country);
  if (!charge) return { kind: 'spend_capped' };
  const outcome = await tryProviders(deps, out);
  if (outcome.kind !== 'sent') await charge.refund();
  return outcome;
}

async function tryProviders<C extends ChannelName>(
  deps: SenderDeps,
  out: Outgoing<C>,
): Promise<Exclude<StepOutcome, { kind: 'spend_capped' }>> {
  const { route, adapters } = await inRoutingOrder(deps, out.channel);
  if (adapters.length === 0) return { kind: 'unconfigured' };
  const first = await callInTurn(deps, out, route, adapters, circuitAllows);
  if (first.kind !== 'failed') return first;
  if (first.failures.length > 0) return retryOutcome(first.failures);
  // Every provider's circuit is open. Move on if the plan has somewhere to go. If it has not, a
  // breaker that routes around nothing would only let the code expire: call them anyway (fail open).
  const moved = await failover(deps, failedSend(out), 'circuit_open', { failWhenExhausted: false });
  if (moved !== 'exhausted') return { kind: 'circuit_open', moved };
  const again = await callInTurn(deps, out, route, adapters, failOpen);
  return again.kind === 'failed' ? retryOutcome(again.failures) : again;
}

/** Every provider failed in a way a retry may mend: all "slow down" pauses the queue instead. */
function retryOutcome(
  failures: readonly RetryKind[],
): Extract<StepOutcome, { kind: 'rate_limited' | 'failed' }> {
  if (failures.length > 0 && failures.every((kind) => kind === 'rate_limited'))
    return { kind: 'rate_limited' };
  return { kind: 'failed', failures };
}

/** The channel's adapters in the order their delivery health says (a demoted one last, but for its probes). */
async function inRoutingOrder<C extends ChannelName>(deps: SenderDeps, channel: C) {
  const configured = deps.channels[channel] as readonly Channel<C>[];
  const route = await deps.routing.order(
    channel,
    configured.map((adapter) => adapter.provider),
  );
  const at = (adapter: Channel<C>) => route.order.indexOf(adapter.provider);
  return { route, adapters: [...configured].sort((a, b) => at(a) - at(b)) };
}

/**
 * One pass over the providers, in order, each called if `gate` lets it: ends at the first that
 * accepts or refuses for good, or with the failures of those called (none when none was).
 */
async function callInTurn<C extends ChannelName>(
  deps: SenderDeps,
  out: Outgoing<C>,
  route: ProviderOrder,
  adapters: readonly Channel<C>[],
  gate: Gate<C>,
): Promise<Exclude<Turn, { kind: 'failed' }> | { kind: 'failed'; failures: RetryKind[] }> {
  const failures: RetryKind[] = [];
  for (const adapter of adapters) {
    if (!(await gate(deps, out, adapter))) continue;
    const turn = await callProvider(deps, out, route, adapter);
    if (turn.kind !== 'failed') return turn;
    failures.push(turn.failure);
    if (adapter !== adapters.at(-1)) deps.metrics.failover(out.channel, out.channel, 'provider_error');
  }
  return { kind: 'failed', failures };
}
