import { Router } from 'express';
import type { SandboxContext } from '../context.ts';
import { withFaults } from '../faults/gate.ts';
import { vonageSmsFaultAnswers, vonageVoiceFaultAnswers } from './faults.ts';
import { vonageSms } from './sms.ts';
import { vonageVoice } from './voice.ts';

/**
 * Vonage-compatible SMS (`rest.nexmo.com/sms/json`) and Voice (`api.nexmo.com/v1/calls`) on one
 * port: point both `restHost` and `apiHost` of the SDK at the sandbox.
 */
export function vonageRoutes(context: SandboxContext): Router {
  const router = Router();
  router.post(
    '/sms/json',
    withFaults(context, { provider: 'vonage', channel: 'sms' }, vonageSmsFaultAnswers, vonageSms(context)),
  );
  router.post(
    '/v1/calls',
    withFaults(
      context,
      { provider: 'vonage', channel: 'voice' },
      vonageVoiceFaultAnswers,
      vonageVoice(context),
    ),
  );
  return router;
}
