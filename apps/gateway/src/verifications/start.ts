import type { CreateVerificationBody } from '@sendcode/contract';
import { type StartResult, startVerification as start } from '@sendcode/engine';
import type { BlockReason, LimitScope } from '@sendcode/policy';
import type { ApiClient } from '../auth.ts';
import type { GatewayDeps } from '../deps.ts';
import { ApiError } from '../errors.ts';
import type { Answer } from '../protection/idempotency.ts';
import { presentVerification } from './present.ts';
import { maxSendsReached, resendTooSoon } from './resend.ts';

/**
 * `POST /v1/verifications` (and `/v2`'s Verifications, translated onto it): the engine starts the
 * verification (`@sendcode/engine` `startVerification`); this maps what it did onto HTTP — 201 for a
 * new verification, 200 for a pending one resumed, and a stable error code for every refusal.
 */
export async function startVerification(
  deps: GatewayDeps,
  client: ApiClient,
  body: CreateVerificationBody,
): Promise<Answer> {
  const result = await start(deps.engine, client.name, body);
  if (!result.ok) throw refusal(deps, result);
  const { record, warnings } = result;
  if (result.created) deps.metrics.started(record.channel, record.purpose);
  return { status: result.created ? 201 : 200, body: { ...presentVerification(record), warnings } };
}

function refusal(deps: GatewayDeps, result: Extract<StartResult, { ok: false }>): ApiError {
  switch (result.reason) {
    case 'invalid_destination':
      return new ApiError(
        'invalid_destination',
        result.detail === 'invalid_email'
          ? 'Not a valid email address.'
          : 'Not a valid phone number: use E.164 with the country code, e.g. +819012345678.',
        { field: result.field, reason: result.detail },
      );
    case 'channel_mismatch':
      return new ApiError(
        'channel_mismatch',
        'email goes to an email address; sms and voice go to a phone number.',
        { field: result.field },
      );
    case 'too_many_steps':
      return new ApiError('validation_failed', 'A plan has at most 5 steps.', { field: 'fallbacks' });
    case 'blocked':
      deps.metrics.blocked(result.block);
      return new ApiError('destination_blocked', BLOCK_MESSAGES[result.block], {
        reason: result.block,
        ...refusalId(result),
      });
    case 'rate_limited':
      deps.metrics.limited(result.scope);
      return new ApiError(
        'rate_limited',
        LIMIT_MESSAGES[result.scope] ?? 'Too many requests.',
        { scope: result.scope, ...refusalId(result) },
        { retryAfterMs: result.retryAfterMs },
      );
    case 'resend_too_soon':
      deps.metrics.limited('resend');
      return resendTooSoon(result.retryAfterMs);
    case 'max_sends_reached':
      deps.metrics.limited('sends');
      return maxSendsReached(result.retryAfterMs);
    case 'being_created':
      return new ApiError(
        'verification_being_created',
        'A verification for this destination is being created by another request; retry in a moment.',
        undefined,
        { retryAfterMs: result.retryAfterMs },
      );
    case 'unavailable':
      return new ApiError(
        'unavailable',
        'Could not confirm the delivery was queued. Retry: a retry resumes it if it was queued after all.',
        undefined,
        { cause: result.cause, retryAfterMs: 1_000 },
      );
  }
}

/**
 * `details.id`: the stored refusal, the same for repeats within the hour (support finds it); absent
 * when the client's quota of kept refusals for the hour is used up.
 */
const refusalId = (result: { readonly id?: string }) => (result.id === undefined ? {} : { id: result.id });

const BLOCK_MESSAGES: Record<BlockReason, string> = {
  country: 'Codes are not sent to this country for this client.',
  prefix_suspended: 'Codes to this number range are suspended for a while: almost none were being used.',
};

const LIMIT_MESSAGES: Partial<Record<LimitScope, string>> = {
  destination: 'Too many codes sent to this destination recently.',
  destination_day: 'Too many codes sent to this destination today.',
  account: 'Too many codes for this account recently.',
  ip: 'Too many codes requested from this IP address recently.',
  client: 'Too many verifications started by this API client.',
  prefix: 'Too many codes sent to this number range recently.',
  spend: "This client's daily SMS and voice budget is spent.",
};
