import type { ReceiptRead, ReceiptRefusal } from '@sendcode/channels/receipts';
import { applyReceipt, parseSendReference } from '@sendcode/engine';
import type { Response } from 'express';
import type { GatewayDeps } from '../deps.ts';
import { ApiError } from '../errors.ts';

/** A webhook request whose signature is missing (401) or wrong (403). */
const REFUSALS: Record<ReceiptRefusal, () => ApiError> = {
  unsigned: () => new ApiError('unauthorized', 'Missing provider signature.'),
  invalid_signature: () => new ApiError('invalid_signature', 'The provider signature does not match.'),
};

/**
 * Common tail of every receipt webhook, given what the provider's webhook read from the request:
 * refuse a request it could not authenticate, refuse a replay, apply the receipt, answer 200 so the provider
 * stops retrying. The request is claimed in the verification it names (`claimReceipt`), once; if
 * applying fails the claim is given back, so the provider's own retry can succeed. Requests that can
 * change nothing are answered at once without a claim, since replaying them can do no harm: a
 * progress status (queued, sent, ringing...), a reference that names no send, a verification that is
 * gone.
 */
export async function receive(deps: GatewayDeps, webhook: ReceiptRead, res: Response) {
  if (!webhook.ok) throw REFUSALS[webhook.reason]();
  const ref = parseSendReference(webhook.reference);
  const ignored = () => {
    deps.logger.debug({ scope: webhook.scope, result: 'ignored' }, 'receipt');
    res.json({ received: true });
  };
  if (!webhook.receipt || !ref) return ignored();
  const { store } = deps.engine;
  const claim = await store.claimReceipt(ref.verificationId, webhook.scope, webhook.nonce);
  if (claim === 'replayed') {
    throw new ApiError('webhook_replayed', 'This signed request was already received.');
  }
  if (claim === 'gone') return ignored();
  try {
    const result = await applyReceipt(deps.engine, { ...webhook.receipt, ...ref });
    deps.logger.debug({ scope: webhook.scope, result }, 'receipt');
    res.json({ received: true });
  } catch (error) {
    await store.releaseReceipt(ref.verificationId, webhook.scope, webhook.nonce);
    throw error;
  }
}
