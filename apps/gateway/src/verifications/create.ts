import { randomBytes } from 'node:crypto';
import {
  buildPlan,
  type Destination,
  destinationWarnings,
  generateCode,
  hashCode,
  maskDestination,
  parseDestination,
  seal,
} from '@sendcode/policy';
import type { NewVerification } from '@sendcode/store';
import type { RequestHandler } from 'express';
import type { ApiClient } from '../auth.ts';
import type { GatewayDeps } from '../deps.ts';
import { ApiError } from '../errors.ts';
import { parseBody } from '../validate.ts';
import { presentVerification } from './present.ts';
import { createVerificationBody } from './schemas.ts';

/**
 * `POST /v1/verifications`: validate, plan, store the verification (code as HMAC, plan and code
 * sealed), enqueue the first send. If the enqueue fails the record is removed again, so a failed
 * request leaves nothing behind.
 */
export function createVerification(deps: GatewayDeps): RequestHandler {
  const { config, store, queues, keys, metrics, logger } = deps;
  return async (req, res) => {
    const body = parseBody(createVerificationBody, req);
    const client = res.locals.client as ApiClient;

    const to = destinationOf(body.to, 'to');
    const fallbacks = (body.fallbacks ?? []).map((f, i) => ({
      to: destinationOf(f.to, `fallbacks.${i}.to`),
      ...(f.channel ? { channel: f.channel } : {}),
    }));
    const planned = buildPlan({ to, fallbacks, ...(body.channel ? { channel: body.channel } : {}) });
    if (!planned.ok) {
      if (planned.reason === 'too_many_steps') {
        throw new ApiError('validation_failed', 'A plan has at most 5 steps.', { field: 'fallbacks' });
      }
      const field = planned.index === 0 ? 'channel' : `fallbacks.${planned.index - 1}.channel`;
      throw new ApiError(
        'channel_mismatch',
        'email goes to an email address; sms and voice go to a phone number.',
        {
          field,
        },
      );
    }
    const plan = planned.plan;
    const first = plan[0];
    if (!first) throw new Error('buildPlan returned an empty plan');

    const id = `ver_${randomBytes(16).toString('hex')}`;
    const codeLength = body.codeLength ?? config.CODE_LENGTH;
    const ttlSeconds = body.ttlSeconds ?? config.CODE_TTL_SECONDS;
    const code = generateCode(codeLength);
    const now = deps.now();
    const verification: NewVerification = {
      id,
      client: client.name,
      planMasked: plan.map((step) => ({ channel: step.channel, to: maskDestination(step.to) })),
      sealedPlan: seal(keys.seal, JSON.stringify(plan)),
      sealedCode: seal(keys.seal, code),
      codeHash: hashCode(keys.codeHmac, id, code),
      codeLength,
      locale: body.locale ?? 'en',
      brand: body.brand ?? config.DEFAULT_BRAND,
      purpose: body.purpose ?? 'sign_in',
      accountRef: body.accountRef,
      ttlSeconds,
      createdAt: now,
      expiresAt: now + ttlSeconds * 1000,
      maxAttempts: config.MAX_CHECK_ATTEMPTS,
      channel: first.channel,
    };
    await store.create(verification, now);
    try {
      await queues.add(first.channel, { verificationId: id, step: 0, send: 1 });
    } catch (error) {
      await store.discard(id);
      throw new ApiError('unavailable', 'Could not queue the delivery; nothing was sent. Retry.', undefined, {
        cause: error,
      });
    }
    metrics.started(first.channel, body.purpose ?? 'sign_in');
    logger.info({ verificationId: id, channel: first.channel, client: client.name }, 'verification started');

    const record = {
      ...verification,
      status: 'pending',
      attempts: 0,
      sends: 1,
      step: 0,
      updatedAt: now,
      lastSendAt: now,
    } as const;
    res.status(201).json({ ...presentVerification(record), warnings: destinationWarnings(to) });
  };
}

function destinationOf(raw: string, field: string): Destination {
  const parsed = parseDestination(raw);
  if (parsed.ok) return parsed.destination;
  const message =
    parsed.reason === 'invalid_email'
      ? 'Not a valid email address.'
      : 'Not a valid phone number: use E.164 with the country code, e.g. +819012345678.';
  throw new ApiError('invalid_destination', message, { field, reason: parsed.reason });
}
