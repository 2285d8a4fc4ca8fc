import type { ReceiptRead, ReceiptRefusal } from '@sendcode/channels/receipts';
import { applyReceipt, parseSendReference, type ReceiptResult } from '@sendcode/engine';
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
 * refuse a request it could not authenticate, apply the receipt, refuse a replay, answer 200 so the
 * provider stops retrying. The request is claimed in the verification it names in the same step that
 * records the receipt (`applyReceipt`), once; if anything after fails the claim is given back, so the
 * provider's own retry is answered as a duplicate rather than refused as a replay. Requests that can
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
  const claim = { scope: webhook.scope, nonce: webhook.nonce };
  let result: ReceiptResult;
  try {
    result = await applyReceipt(deps.engine, { ...webhook.receipt, ...ref, claim });
  } catch (error) {
    await deps.engine.store.releaseReceipt(ref.verificationId, claim);
    throw error;
  }
  if (result === 'replayed')
    throw new ApiError('webhook_replayed', 'This signed request was already received.');
  deps.logger.debug({ scope: webhook.scope, result }, 'receipt');
  res.json({ received: true });
}
