import { resendBody } from '@sendcode/contract';
import { resend } from '@sendcode/engine';
import type { RequestHandler } from 'express';
import type { ApiClient } from '../auth.ts';
import type { GatewayDeps } from '../deps.ts';
import { ApiError } from '../errors.ts';
import { parseBody } from '../validate.ts';
import { presentVerification } from './present.ts';
import { ownVerification } from './read-cancel.ts';

export const resendTooSoon = (retryAfterMs: number) =>
  new ApiError('resend_too_soon', 'Wait before sending the code again.', undefined, { retryAfterMs });
export const maxSendsReached = (retryAfterMs: number) =>
  new ApiError('max_sends_reached', 'This code has been sent as many times as allowed.', undefined, {
    retryAfterMs,
  });

/**
 * `POST /v1/verifications/{id}/resend`: the same code again, on another channel of the plan if asked.
 * Too soon after the last send, or past the send cap, is a 429 with `Retry-After`.
 */
export function resendVerification(deps: GatewayDeps): RequestHandler {
  return async (req, res) => {
    const body = req.body === undefined ? {} : parseBody(resendBody, req);
    const record = await ownVerification(deps, req.params.id, res.locals.client as ApiClient);
    const outcome = await resend(deps.engine, record, body.channel);
    if (!outcome.ok) {
      switch (outcome.reason) {
        case 'channel_not_in_plan':
          throw new ApiError('channel_not_in_plan', `This verification's plan has no ${body.channel} step.`, {
            field: 'channel',
          });
        case 'cooldown':
          deps.metrics.limited('resend');
          throw resendTooSoon(outcome.retryAfterMs);
        case 'send_limit':
          deps.metrics.limited('sends');
          throw maxSendsReached(record.expiresAt - deps.now());
        case 'rate_limited':
          deps.metrics.limited(outcome.scope);
          throw new ApiError(
            'rate_limited',
            'Too many codes sent to this destination recently.',
            { scope: outcome.scope },
            { retryAfterMs: outcome.retryAfterMs },
          );
        case 'not_pending':
          throw new ApiError('verification_not_pending', `The verification is ${outcome.status}.`, {
            status: outcome.status,
          });
        case 'expired':
          throw new ApiError('verification_not_pending', 'The verification has expired.', {
            status: 'expired',
          });
        case 'unavailable':
          throw new ApiError(
            'unavailable',
            'Could not confirm the code was queued again; it may still arrive. Retry after the resend cooldown.',
            undefined,
            { cause: outcome.cause, retryAfterMs: Math.max(1_000, deps.engine.config.resendCooldownMs) },
          );
        case 'gone':
        case 'superseded':
          throw new ApiError('not_found');
      }
    }
    const updated = await deps.store.get(record.id, deps.now());
    if (!updated) throw new ApiError('not_found');
    res.status(202).json(presentVerification(updated));
  };
}
