import { randomUUID } from 'node:crypto';
import type { SandboxContext } from '../context.ts';
import type { AcceptingHandler } from '../faults/gate.ts';
import { field, stringField } from '../fields.ts';
import { vonageCallEvents } from '../receipts/vonage.ts';
import { vonageProblem, vonageValidationProblem } from './problems.ts';
import { unverifiedClaim } from './signatures.ts';
import { VONAGE_NUMBER } from './sms.ts';

const BEARER_JWT = /^Bearer\s+([\w-]+\.[\w-]+\.[\w-]*)$/;

/**
 * `POST /v1/calls` on the API host, as `@vonage/voice` calls it: a JSON body with `to`, `from` and
 * an inline NCCO, authorised by an application JWT. The JWT must be there; its signature is not
 * checked (the sandbox is not a security boundary). The words of every `talk` action are recorded.
 * With an `event_url`, signed call events follow (always POSTed, whatever `event_method` says).
 */
export function vonageVoice(context: SandboxContext): AcceptingHandler {
  return (req, res, receipts) => {
    const token = BEARER_JWT.exec(req.get('authorization') ?? '')?.[1];
    if (token === undefined) {
      res.status(401).json(vonageProblem(401, 'unauthorized', 'You did not provide correct credentials.'));
      return;
    }
    const body: unknown = req.body;
    const to = callee(field(body, 'to'));
    const from = phoneNumber(field(body, 'from'));
    const talk = talkText(field(body, 'ncco'));
    if (to === undefined || from === undefined || talk === undefined) {
      const invalid = [
        ...(to === undefined ? ['to'] : []),
        ...(from === undefined ? ['from'] : []),
        ...(talk === undefined ? ['ncco'] : []),
      ];
      res.status(400).json(vonageValidationProblem(invalid));
      return;
    }
    const uuid = randomUUID();
    const conversationUuid = `CON-${randomUUID()}`;
    const callbackUrl = firstString(field(body, 'event_url'));
    context.log.record({
      channel: 'voice',
      provider: 'vonage',
      to,
      body: talk,
      providerMessageId: uuid,
      ...(callbackUrl === undefined ? {} : { callbackUrl }),
    });
    res
      .status(201)
      .json({ uuid, status: 'started', direction: 'outbound', conversation_uuid: conversationUuid });
    if (callbackUrl !== undefined && receipts !== 'none') {
      const callback = {
        url: callbackUrl,
        signatureSecret: context.vonageSignatureSecret,
        apiKey: unverifiedClaim(token, 'api_key') ?? 'sandbox',
        applicationId: unverifiedClaim(token, 'application_id') ?? 'sandbox',
        uuid,
        conversationUuid,
        to,
        from,
      };
      context.receipts.dispatch(uuid, callbackUrl, vonageCallEvents(callback, receipts === 'delivered'));
    }
  };
}

/** The first URL of an `event_url` array. */
function firstString(value: unknown): string | undefined {
  const first: unknown = Array.isArray(value) ? value[0] : undefined;
  return typeof first === 'string' && first !== '' ? first : undefined;
}

/** The number of a `{type:'phone', number}` endpoint, if it is one. */
function phoneNumber(endpoint: unknown): string | undefined {
  const number = stringField(endpoint, 'number');
  return field(endpoint, 'type') === 'phone' && number !== undefined && number !== '' ? number : undefined;
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
