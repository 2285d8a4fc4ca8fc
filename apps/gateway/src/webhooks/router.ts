import express, { type RequestHandler, Router } from 'express';
import type { GatewayDeps } from '../deps.ts';
import { isApiError } from '../errors.ts';
import type { WebhookRejection } from '../metrics.ts';
import { twilioStatus } from './twilio.ts';
import { vonageSms, vonageVoice } from './vonage.ts';

/** Provider receipts. No bearer key: each route checks its provider's signature instead. */
export function webhooks(deps: GatewayDeps): Router {
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '64kb' });
  const json = express.json({ limit: '64kb' });
  const counted = (provider: 'twilio' | 'vonage', handler: RequestHandler): RequestHandler => {
    return async (req, res, next) => {
      try {
        await handler(req, res, next);
      } catch (error) {
        const reason = isApiError(error) ? REJECTIONS[error.code] : undefined;
        if (reason) deps.metrics.webhookRejected(provider, reason);
        throw error;
      }
    };
  };
  router.post('/twilio/status', form, counted('twilio', twilioStatus(deps)));
  router.post('/vonage/sms', json, form, counted('vonage', vonageSms(deps)));
  // The JWT's payload_hash covers the exact bytes, so this body is kept raw.
  const raw = express.raw({ type: () => true, limit: '64kb' });
  router.post('/vonage/voice', raw, counted('vonage', vonageVoice(deps)));
  return router;
}

const REJECTIONS: Partial<Record<string, WebhookRejection>> = {
  unauthorized: 'unsigned',
  invalid_signature: 'invalid_signature',
  webhook_replayed: 'replayed',
};
