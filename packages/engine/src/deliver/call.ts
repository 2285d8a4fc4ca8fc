import {
  type Channel,
  type Delivery,
  type DeliveryErrorKind,
  isDeliveryError,
} from '@sendcode/channels/channel';
import type { ChannelName } from '@sendcode/policy';

/** What a provider call can end in, short of being accepted. */
export type CallFailure = DeliveryErrorKind | 'adapter_error';

/** An adapter's answer: accepted with the provider's message id, or how the call failed. */
export type CallAnswer =
  | { readonly ok: true; readonly providerMessageId: string }
  | {
      readonly ok: false;
      readonly kind: CallFailure;
      readonly providerCode?: string | undefined;
      /** For `adapter_error`, how the contract was broken, safe to log: never the value itself. */
      readonly broke?: string;
    };

/**
 * Calls an adapter and reads its answer by the Channel contract: a DeliveryError says what kind of
 * failure it was; any other Error is taken as retryable (the adapter did not classify it). A
 * rejection with something that is not an Error, or a result without a provider message id, is the
 * adapter breaking the contract (`adapter_error`): what it holds is unknown, and may be a destination.
 */
export async function call<C extends ChannelName>(
  adapter: Channel<C>,
  delivery: Delivery<C>,
): Promise<CallAnswer> {
  let result: unknown;
  try {
    result = await adapter.send(delivery);
  } catch (error) {
    if (isDeliveryError(error)) return { ok: false, kind: error.kind, providerCode: error.providerCode };
    if (error instanceof Error) return { ok: false, kind: 'retryable' };
    const broke = `rejected with ${error === null ? 'null' : typeof error}`;
    return { ok: false, kind: 'adapter_error', broke };
  }
  const id = (result as { providerMessageId?: unknown } | null | undefined)?.providerMessageId;
  if (typeof id === 'string') return { ok: true, providerMessageId: id };
  return { ok: false, kind: 'adapter_error', broke: 'resolved without a provider message id' };
}
