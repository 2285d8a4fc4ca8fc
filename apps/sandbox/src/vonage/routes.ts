import { Router } from 'express';
import type { MessageLog } from '../messages.ts';
import { vonageSms } from './sms.ts';
import { vonageVoice } from './voice.ts';

/**
 * Vonage-compatible SMS (`rest.nexmo.com/sms/json`) and Voice (`api.nexmo.com/v1/calls`) on one
 * port: point both `restHost` and `apiHost` of the SDK at the sandbox.
 */
export function vonageRoutes(log: MessageLog): Router {
  const router = Router();
  router.post('/sms/json', vonageSms(log));
  router.post('/v1/calls', vonageVoice(log));
  return router;
}
