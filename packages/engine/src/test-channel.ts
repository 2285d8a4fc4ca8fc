import { type Channel, type Delivery, DeliveryError, type DeliveryErrorKind } from '@sendcode/channels';
import type { ChannelName, ProviderName } from '@sendcode/policy';

/**
 * Test-only (not exported by the package): what a scripted adapter answers one call. `accept` gives a
 * provider message id; a DeliveryError kind throws that DeliveryError (a permanent one with a
 * provider code); `no_id` resolves without a message id and `{ reject }` rejects with a value that
 * is not an Error: the two ways an adapter breaks its contract.
 */
export type Answer = 'accept' | DeliveryErrorKind | 'no_id' | { readonly reject: unknown };

/**
 * A real object implementing the Channel contract, answering its calls from `answers` in turn (the
 * last one again once they run out), and remembering every delivery it was given.
 */
export function scriptedChannel<C extends ChannelName>(
  channel: C,
  provider: ProviderName,
  ...answers: readonly [Answer, ...Answer[]]
) {
  const calls: Delivery<C>[] = [];
  const adapter: Channel<C> = {
    channel,
    provider,
    async send(delivery) {
      calls.push(delivery);
      const answer = answers[Math.min(calls.length, answers.length) - 1] ?? 'accept';
      if (answer === 'accept') return { providerMessageId: `${provider}-${calls.length}` };
      if (answer === 'no_id') return {} as { providerMessageId: string };
      if (typeof answer === 'object') throw answer.reject;
      throw new DeliveryError(answer, provider, `scripted ${answer}`, {
        providerCode: answer === 'permanent' ? 21211 : undefined,
      });
    },
    async close() {},
  };
  return { adapter, calls };
}
