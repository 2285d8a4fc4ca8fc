import { type NextFunction, type Request, type Response, Router } from 'express';
import { basicCredentials, stringField } from '../fields.ts';
import type { MessageLog } from '../messages.ts';
import { callResource, messageResource, twilioError, twilioSid } from './resources.ts';
import { spokenText } from './twiml.ts';

const E164 = /^\+[1-9][0-9]{1,14}$/;

/**
 * Twilio-compatible `Messages.json` and `Calls.json` (API 2010-04-01), enough for the real
 * `twilio` client: form bodies, HTTP Basic auth, Twilio's validation errors and resource JSON.
 * Any SID/token pair is accepted as long as the SID is the one in the path.
 */
export function twilioRoutes(log: MessageLog): Router {
  const router = Router();
  const base = '/2010-04-01/Accounts/:AccountSid';

  router.use(base, authenticate);

  router.post(`${base}/Messages.json`, (req, res) => {
    const accountSid = req.params.AccountSid ?? '';
    const { to, from, error } = endpoints(req.body, {
      missingTo: [21604, "A 'To' phone number is required."],
    });
    const body = stringField(req.body, 'Body') ?? '';
    if (error || body === '') {
      res.status(400).json(error ?? twilioError(400, 21602, 'Message body is required.'));
      return;
    }
    const sid = twilioSid('SM');
    log.record({ channel: 'sms', provider: 'twilio', to, body, providerMessageId: sid });
    res.status(201).json(messageResource({ accountSid, sid, to, from, body }));
  });

  router.post(`${base}/Calls.json`, (req, res) => {
    const accountSid = req.params.AccountSid ?? '';
    const { to, from, error } = endpoints(req.body, { missingTo: [21201, "No 'To' number is specified"] });
    const twiml = stringField(req.body, 'Twiml');
    if (error || (twiml === undefined && stringField(req.body, 'Url') === undefined)) {
      res.status(400).json(error ?? twilioError(400, 21205, 'Url parameter is required.'));
      return;
    }
    const sid = twilioSid('CA');
    log.record({
      channel: 'voice',
      provider: 'twilio',
      to,
      body: spokenText(twiml ?? ''),
      providerMessageId: sid,
    });
    res.status(201).json(callResource({ accountSid, sid, to, from }));
  });

  return router;
}

function authenticate(req: Request, res: Response, next: NextFunction): void {
  const credentials = basicCredentials(req.get('authorization'));
  if (credentials === undefined || credentials.password === '') {
    res.set('WWW-Authenticate', 'Basic realm="Twilio API"');
    res.status(401).json(twilioError(401, 20003, 'Authentication Error - No credentials provided'));
    return;
  }
  if (credentials.user !== req.params.AccountSid) {
    res.status(401).json(twilioError(401, 20003, 'Authenticate'));
    return;
  }
  next();
}

type Endpoints =
  | { to: string; from: string; error?: undefined }
  | { to?: undefined; from?: undefined; error: ReturnType<typeof twilioError> };

/** Validates `To` and `From` the way Twilio does, in the same order. */
function endpoints(body: unknown, options: { missingTo: [number, string] }): Endpoints {
  const to = stringField(body, 'To');
  const from = stringField(body, 'From');
  if (to === undefined || to === '') return { error: twilioError(400, ...options.missingTo) };
  if (!E164.test(to)) {
    return { error: twilioError(400, 21211, `The 'To' number ${to} is not a valid phone number.`) };
  }
  if (from === undefined || from === '') {
    return { error: twilioError(400, 21603, "A 'From' phone number is required.") };
  }
  return { to, from };
}
