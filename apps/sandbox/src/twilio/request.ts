import type { Request, Response } from 'express';
import { basicCredentials, stringField } from '../fields.ts';
import { twilioError } from './resources.ts';

const E164 = /^\+[1-9][0-9]{1,14}$/;

/** The account the request authenticated as, or undefined once it has been answered 401. */
export function authenticate(
  req: Request,
  res: Response,
): { accountSid: string; authToken: string } | undefined {
  const credentials = basicCredentials(req.get('authorization'));
  if (credentials === undefined || credentials.password === '') {
    res.set('WWW-Authenticate', 'Basic realm="Twilio API"');
    res.status(401).json(twilioError(401, 20003, 'Authentication Error - No credentials provided'));
    return undefined;
  }
  if (credentials.user !== req.params.AccountSid) {
    res.status(401).json(twilioError(401, 20003, 'Authenticate'));
    return undefined;
  }
  return { accountSid: credentials.user, authToken: credentials.password };
}

type Endpoints =
  | { to: string; from: string; error?: undefined }
  | { to?: undefined; from?: undefined; error: ReturnType<typeof twilioError> };

/** Validates `To` and `From` the way Twilio does, in the same order. */
export function endpoints(body: unknown, options: { missingTo: [number, string] }): Endpoints {
  const to = stringField(body, 'To');
  const from = stringField(body, 'From');
  if (to === undefined || to === '') return { error: twilioError(400, ...options.missingTo) };
  if (!E164.test(to)) return { error: invalidTo(to) };
  if (from === undefined || from === '') {
    return { error: twilioError(400, 21603, "A 'From' phone number is required.") };
  }
  return { to, from };
}

/** Twilio's 21211, which quotes the number it refuses. */
export function invalidTo(to: string) {
  return twilioError(400, 21211, `The 'To' number ${to} is not a valid phone number.`);
}
