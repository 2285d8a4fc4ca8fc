import type { RequestHandler } from 'express';
import { type ApiKeyConfig, createKeyLookup } from '../auth.ts';
import { TwilioVerifyError } from './errors.ts';

/** The caller as the Twilio-compatible routes know it: our client, and the Account SID it sent. */
export interface TwilioCaller {
  readonly accountSid: string;
}

/**
 * HTTP Basic auth as the `twilio` client sends it: user = Account SID (any value is accepted and
 * echoed back as `account_sid`), password = a Sendcode API key with scope `verify`, playing the auth
 * token. Sets `res.locals.client` (like Bearer auth) and `res.locals.twilio`.
 */
export function requireBasicVerify(keys: readonly ApiKeyConfig[]): RequestHandler {
  const lookup = createKeyLookup(keys);
  return (req, res, next) => {
    const credentials = basicCredentials(req.get('authorization'));
    const client = credentials ? lookup(credentials.password) : undefined;
    if (!credentials || !client) {
      res.set('WWW-Authenticate', 'Basic realm="Twilio API"');
      throw new TwilioVerifyError(20003, 401, 'Authentication Error - invalid username or password');
    }
    if (!client.scopes.includes('verify')) {
      throw new TwilioVerifyError(20003, 403, 'Permission Denied: this API key lacks the "verify" scope');
    }
    res.locals.client = client;
    res.locals.twilio = { accountSid: credentials.user } satisfies TwilioCaller;
    next();
  };
}

function basicCredentials(header: string | undefined) {
  const match = /^basic ([A-Za-z0-9+/=]{1,1024})$/i.exec(header ?? '');
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
