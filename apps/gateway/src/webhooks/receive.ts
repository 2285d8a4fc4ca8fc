import { applyReceipt, parseSendReference, type Receipt } from '@sendcode/engine';
import type { Response } from 'express';
import type { GatewayDeps } from '../deps.ts';
import { ApiError } from '../errors.ts';

/** What a provider-specific webhook hands over once the request is authenticated. */
export interface VerifiedWebhook {
  /** Replay-protection scope and key: each signed request is accepted once. */
  readonly scope: string;
  readonly nonce: string;
  /** The receipt, or undefined for statuses that are not final (queued, ringing, ...). */
  readonly receipt: Omit<Receipt, 'verificationId' | 'send'> | undefined;
  /** Our send reference as the provider echoed it. */
  readonly reference: unknown;
}

/** A webhook request whose signature is missing (401) or wrong (403). */
export function unsigned(): ApiError {
  return new ApiError('unauthorized', 'Missing provider signature.');
}
export function badSignature(): ApiError {
  return new ApiError('invalid_signature', 'The provider signature does not match.');
}

/**
 * Common tail of every receipt webhook: refuse a replay, apply the receipt, answer 200 so the provider
 * stops retrying. If applying fails the nonce is released, so the provider's own retry can succeed.
 * A progress status (queued, sent, ringing...) changes nothing, so replaying it can do no harm: it is
 * answered at once, without claiming a nonce — a day-long key per callback for nothing.
 */
export async function receive(deps: GatewayDeps, webhook: VerifiedWebhook, res: Response) {
  if (!webhook.receipt) {
    deps.logger.debug({ scope: webhook.scope, result: 'ignored' }, 'receipt');
    res.json({ received: true });
    return;
  }
  if (!(await deps.nonces.claim(webhook.scope, webhook.nonce, 86_400))) {
    throw new ApiError('webhook_replayed', 'This signed request was already received.');
  }
  try {
    const ref = parseSendReference(webhook.reference);
    const result = ref ? await applyReceipt(deps.engine, { ...webhook.receipt, ...ref }) : 'ignored';
    deps.logger.debug({ scope: webhook.scope, result }, 'receipt');
    res.json({ received: true });
  } catch (error) {
    await deps.nonces.release(webhook.scope, webhook.nonce);
    throw error;
  }
}
