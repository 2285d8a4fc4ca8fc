import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import { field } from '../fields.ts';
import type { MessageLog } from '../messages.ts';
import { VONAGE_NUMBER } from './sms.ts';

/**
 * `POST /v1/calls` on the API host, as `@vonage/voice` calls it: a JSON body with `to`, `from` and
 * an inline NCCO, authorised by an application JWT. The JWT must be there; its signature is not
 * checked (the sandbox is not a security boundary). The words of every `talk` action are recorded.
 */
export function vonageVoice(log: MessageLog) {
  return (req: Request, res: Response): void => {
    if (!/^Bearer\s+[\w-]+\.[\w-]+\.[\w-]*$/.test(req.get('authorization') ?? '')) {
      res.status(401).json({
        type: 'https://developer.nexmo.com/api-errors#unauthorized',
        title: 'Unauthorized',
        detail: 'You did not provide correct credentials.',
        instance: randomUUID(),
      });
      return;
    }
    const body: unknown = req.body;
    const to = callee(field(body, 'to'));
    const from = phoneNumber(field(body, 'from'));
    const talk = talkText(field(body, 'ncco'));
    const invalid = [
      ...(to === undefined ? ['to'] : []),
      ...(from === undefined ? ['from'] : []),
      ...(talk === undefined ? ['ncco'] : []),
    ];
    if (to === undefined || from === undefined || talk === undefined) {
      res.status(400).json({
        type: 'https://developer.nexmo.com/api-errors#validation',
        title: 'Bad Request',
        detail: 'The request failed due to validation errors',
        invalid_parameters: invalid.map((name) => ({ name, reason: 'Invalid value' })),
        instance: randomUUID(),
      });
      return;
    }
    const uuid = randomUUID();
    log.record({ channel: 'voice', provider: 'vonage', to, body: talk, providerMessageId: uuid });
    res.status(201).json({
      uuid,
      status: 'started',
      direction: 'outbound',
      conversation_uuid: `CON-${randomUUID()}`,
    });
  };
}

/** The number of a `{type:'phone', number}` endpoint, if it is one. */
function phoneNumber(endpoint: unknown): string | undefined {
  const number = field(endpoint, 'number');
  return field(endpoint, 'type') === 'phone' && typeof number === 'string' && number !== ''
    ? number
    : undefined;
}

/** The first callee, when it is a number in international format (the only kind the sandbox calls). */
function callee(to: unknown): string | undefined {
  const number = phoneNumber(Array.isArray(to) ? to[0] : undefined);
  return number !== undefined && VONAGE_NUMBER.test(number) ? number : undefined;
}

/** The text of the NCCO's `talk` actions, joined; undefined when the NCCO is not an array. */
function talkText(ncco: unknown): string | undefined {
  if (!Array.isArray(ncco)) return undefined;
  return ncco
    .filter((action) => field(action, 'action') === 'talk')
    .map((action) => field(action, 'text'))
    .filter((text): text is string => typeof text === 'string')
    .join(' ');
}
