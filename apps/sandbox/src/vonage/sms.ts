import { randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';
import { basicCredentials, stringField } from '../fields.ts';
import type { MessageLog } from '../messages.ts';

/** Vonage numbers: international format, digits only; a leading `+` is tolerated. */
export const VONAGE_NUMBER = /^\+?[1-9][0-9]{6,14}$/;

/**
 * `POST /sms/json` on the REST host, as `@vonage/sms` calls it: JSON body with kebab-case keys and
 * HTTP Basic api_key:api_secret (older clients put `api_key`/`api_secret` in a form body, also
 * accepted). Like Vonage, it answers 200 even when it refuses the message: the verdict is the
 * per-message `status`, "0" for success.
 */
export function vonageSms(log: MessageLog) {
  return (req: Request, res: Response): void => {
    const body: unknown = req.body;
    const refused = refusal(req.get('authorization'), body);
    if (refused !== undefined) {
      const [status, errorText] = refused;
      res.json({ 'message-count': '1', messages: [{ status, 'error-text': errorText }] });
      return;
    }
    const to = stringField(body, 'to') ?? '';
    const text = stringField(body, 'text') ?? '';
    const clientRef = stringField(body, 'client-ref');
    const messageId = randomBytes(8).toString('hex').toUpperCase();
    log.record({ channel: 'sms', provider: 'vonage', to, body: text, providerMessageId: messageId });
    res.json({
      'message-count': '1',
      messages: [
        {
          to: to.replace(/^\+/, ''),
          'message-id': messageId,
          status: '0',
          'remaining-balance': '15.53590000',
          'message-price': '0.07400000',
          network: '44010',
          ...(clientRef === undefined ? {} : { 'client-ref': clientRef }),
        },
      ],
    });
  };
}

/** Vonage's status and error text for a request it would refuse, in the order it checks. */
function refusal(authorization: string | undefined, body: unknown): readonly [string, string] | undefined {
  const hasCredentials =
    basicCredentials(authorization) !== undefined ||
    (stringField(body, 'api_key') !== undefined && stringField(body, 'api_secret') !== undefined);
  if (!hasCredentials) return ['2', 'Missing api_key'];
  for (const param of ['from', 'to', 'text']) {
    if (!stringField(body, param)) return ['2', `Missing ${param} param`];
  }
  if (!VONAGE_NUMBER.test(stringField(body, 'to') ?? '')) return ['3', 'Invalid to address'];
  return undefined;
}
