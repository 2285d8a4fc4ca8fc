import type { SandboxContext } from '../context.ts';
import type { AcceptingHandler } from '../faults/gate.ts';
import { stringField } from '../fields.ts';
import { twilioMessageReceipts } from '../receipts/twilio.ts';
import { authenticate, endpoints } from './request.ts';
import { messageResource, twilioError, twilioSid } from './resources.ts';

/** `POST Messages.json`: records the SMS and, with a `StatusCallback`, sends its receipts. */
export function twilioMessages(context: SandboxContext): AcceptingHandler {
  return (req, res, receipts) => {
    const account = authenticate(req, res);
    if (account === undefined) return;
    const { to, from, error } = endpoints(req.body, {
      missingTo: [21604, "A 'To' phone number is required."],
    });
    const body = stringField(req.body, 'Body') ?? '';
    if (error || body === '') {
      res.status(400).json(error ?? twilioError(400, 21602, 'Message body is required.'));
      return;
    }
    const sid = twilioSid('SM');
    const callbackUrl = stringField(req.body, 'StatusCallback') || undefined;
    context.log.record({
      channel: 'sms',
      provider: 'twilio',
      to,
      body,
      providerMessageId: sid,
      ...(callbackUrl === undefined ? {} : { callbackUrl }),
    });
    res.status(201).json(messageResource({ accountSid: account.accountSid, sid, to, from, body }));
    if (callbackUrl !== undefined && receipts !== 'none') {
      const callback = { url: callbackUrl, ...account, sid, to, from };
      context.receipts.dispatch(sid, callbackUrl, twilioMessageReceipts(callback, receipts === 'delivered'));
    }
  };
}
