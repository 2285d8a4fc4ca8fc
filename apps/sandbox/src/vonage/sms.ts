import { randomBytes } from 'node:crypto';
import type { SandboxContext } from '../context.ts';
import type { AcceptingHandler } from '../faults/gate.ts';
import { basicCredentials, stringField } from '../fields.ts';
import { vonageSmsReceipts } from '../receipts/vonage.ts';
import { vonageSmsRefusal } from './problems.ts';

/** Vonage numbers: international format, digits only; a leading `+` is tolerated. */
export const VONAGE_NUMBER = /^\+?[1-9][0-9]{6,14}$/;

/**
 * `POST /sms/json` on the REST host, as `@vonage/sms` calls it: JSON body with kebab-case keys and
 * HTTP Basic api_key:api_secret (older clients put `api_key`/`api_secret` in a form body, also
 * accepted). Like Vonage, it answers 200 even when it refuses the message: the verdict is the
 * per-message `status`, "0" for success. With a `callback` URL, a signed DLR follows.
 */
export function vonageSms(context: SandboxContext): AcceptingHandler {
  return (req, res, receipts) => {
    const body: unknown = req.body;
    const apiKey = apiKeyOf(req.get('authorization'), body);
    const refused = refusal(apiKey, body);
    if (refused !== undefined) {
      res.json(vonageSmsRefusal(...refused));
      return;
    }
    const to = stringField(body, 'to') ?? '';
    const from = stringField(body, 'from') ?? '';
    const text = stringField(body, 'text') ?? '';
    const clientRef = stringField(body, 'client-ref');
    const callbackUrl = stringField(body, 'callback') || undefined;
    const messageId = randomBytes(8).toString('hex').toUpperCase();
    context.log.record({
      channel: 'sms',
      provider: 'vonage',
      to,
      body: text,
      providerMessageId: messageId,
      ...(callbackUrl === undefined ? {} : { callbackUrl }),
    });
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
    if (callbackUrl !== undefined && apiKey !== undefined && receipts !== 'none') {
      const callback = {
        url: callbackUrl,
        signatureSecret: context.vonageSignatureSecret,
        apiKey,
        messageId,
        to,
        from,
        ...(clientRef === undefined ? {} : { clientRef }),
      };
      context.receipts.dispatch(
        messageId,
        callbackUrl,
        vonageSmsReceipts(callback, receipts === 'delivered'),
      );
    }
  };
}

/** The api key of Basic credentials, or of `api_key` and `api_secret` in the body. */
function apiKeyOf(authorization: string | undefined, body: unknown): string | undefined {
  const basic = basicCredentials(authorization);
  if (basic !== undefined) return basic.user;
  const apiKey = stringField(body, 'api_key');
  return apiKey !== undefined && stringField(body, 'api_secret') !== undefined ? apiKey : undefined;
}

/** Vonage's status and error text for a request it would refuse, in the order it checks. */
function refusal(apiKey: string | undefined, body: unknown): readonly [string, string] | undefined {
  if (apiKey === undefined) return ['2', 'Missing api_key'];
  for (const param of ['from', 'to', 'text']) {
    if (!stringField(body, param)) return ['2', `Missing ${param} param`];
  }
  if (!VONAGE_NUMBER.test(stringField(body, 'to') ?? '')) return ['3', 'Invalid to address'];
  return undefined;
}
