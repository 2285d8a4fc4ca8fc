import express, { Router } from 'express';
import type { GatewayDeps } from '../deps.ts';
import { twilioStatus } from './twilio.ts';
import { vonageSms, vonageVoice } from './vonage.ts';

/** Provider receipts. No bearer key: each route checks its provider's signature instead. */
export function webhooks(deps: GatewayDeps): Router {
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '64kb' });
  const json = express.json({ limit: '64kb' });
  router.post('/twilio/status', form, twilioStatus(deps));
  router.post('/vonage/sms', json, form, vonageSms(deps));
  // The JWT's payload_hash covers the exact bytes, so this body is kept raw.
  router.post('/vonage/voice', express.raw({ type: () => true, limit: '64kb' }), vonageVoice(deps));
  return router;
}
