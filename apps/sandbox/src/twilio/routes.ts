import { Router } from 'express';
import type { SandboxContext } from '../context.ts';
import { withFaults } from '../faults/gate.ts';
import { twilioCalls } from './calls.ts';
import { twilioFaultAnswers } from './faults.ts';
import { twilioMessages } from './messages.ts';

/**
 * Twilio-compatible `Messages.json` and `Calls.json` (API 2010-04-01), enough for the real
 * `twilio` client: form bodies, HTTP Basic auth, Twilio's validation errors and resource JSON, and
 * signed status callbacks. Any SID/token pair is accepted as long as the SID is the one in the path.
 */
export function twilioRoutes(context: SandboxContext): Router {
  const router = Router();
  const base = '/2010-04-01/Accounts/:AccountSid';
  router.post(
    `${base}/Messages.json`,
    withFaults(context, { provider: 'twilio', channel: 'sms' }, twilioFaultAnswers, twilioMessages(context)),
  );
  router.post(
    `${base}/Calls.json`,
    withFaults(context, { provider: 'twilio', channel: 'voice' }, twilioFaultAnswers, twilioCalls(context)),
  );
  return router;
}
