import type { RequestHandler } from 'express';
import twilio from 'twilio';
import type { GatewayDeps } from '../deps.ts';
import { badSignature, receive, unsigned } from './receive.ts';

/** Twilio message and call statuses that are final, mapped to ours; every other status is progress. */
const MESSAGE_STATUS: Readonly<Record<string, 'delivered' | 'undelivered'>> = {
  delivered: 'delivered',
  undelivered: 'undelivered',
  failed: 'undelivered',
};
const CALL_STATUS: Readonly<Record<string, 'delivered' | 'undelivered'>> = {
  completed: 'delivered',
  busy: 'undelivered',
  'no-answer': 'undelivered',
  failed: 'undelivered',
  canceled: 'undelivered',
};
/** Call statuses of a call that reached the phone and was not answered: the callee's doing. */
const UNANSWERED: ReadonlySet<string> = new Set(['busy', 'no-answer']);

/**
 * `POST /webhooks/twilio/status`: message and call status callbacks, authenticated with the twilio
 * package's own `validateRequest` (HMAC-SHA1 over our public URL and the posted parameters), which
 * compares in constant time and refuses a signature of another length without throwing.
 */
export function twilioStatus(deps: GatewayDeps): RequestHandler {
  return async (req, res) => {
    const signature = req.get('x-twilio-signature');
    const token = deps.config.TWILIO_AUTH_TOKEN;
    if (!signature) throw unsigned();
    const params = (req.body ?? {}) as Record<string, string>;
    if (!token || !twilio.validateRequest(token, signature, `${deps.publicUrl}${req.originalUrl}`, params)) {
      throw badSignature();
    }
    const call = typeof params.CallSid === 'string';
    const status = call ? CALL_STATUS[params.CallStatus ?? ''] : MESSAGE_STATUS[params.MessageStatus ?? ''];
    const id = call ? params.CallSid : params.MessageSid;
    const receipt =
      status && id
        ? {
            channel: call ? ('voice' as const) : ('sms' as const),
            provider: 'twilio' as const,
            status,
            providerMessageId: id,
            ...(call && UNANSWERED.has(params.CallStatus ?? '') ? { unanswered: true } : {}),
            detail: {
              providerStatus: (call ? params.CallStatus : params.MessageStatus) ?? '',
              ...(params.ErrorCode ? { providerCode: params.ErrorCode } : {}),
            },
          }
        : undefined;
    await receive(deps, { scope: 'twilio', nonce: signature, receipt, reference: req.query.ref }, res);
  };
}
