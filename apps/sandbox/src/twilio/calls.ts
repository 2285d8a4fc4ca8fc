import type { SandboxContext } from '../context.ts';
import type { AcceptingHandler } from '../faults/gate.ts';
import { field, stringField } from '../fields.ts';
import { twilioCallReceipts } from '../receipts/twilio.ts';
import { authenticate, endpoints } from './request.ts';
import { callResource, twilioError, twilioSid } from './resources.ts';
import { spokenText } from './twiml.ts';

/**
 * `POST Calls.json`: records what the call says and, with a `StatusCallback`, sends the progress
 * events listed in `StatusCallbackEvent` (repeated, or space-separated; `completed` when absent).
 * Callbacks are always POSTed: `StatusCallbackMethod=GET` is not imitated.
 */
export function twilioCalls(context: SandboxContext): AcceptingHandler {
  return (req, res, receipts) => {
    const account = authenticate(req, res);
    if (account === undefined) return;
    const { to, from, error } = endpoints(req.body, { missingTo: [21201, "No 'To' number is specified"] });
    const twiml = stringField(req.body, 'Twiml');
    if (error || (twiml === undefined && stringField(req.body, 'Url') === undefined)) {
      res.status(400).json(error ?? twilioError(400, 21205, 'Url parameter is required.'));
      return;
    }
    const sid = twilioSid('CA');
    const callbackUrl = stringField(req.body, 'StatusCallback') || undefined;
    context.log.record({
      channel: 'voice',
      provider: 'twilio',
      to,
      body: spokenText(twiml ?? ''),
      providerMessageId: sid,
      ...(callbackUrl === undefined ? {} : { callbackUrl }),
    });
    res.status(201).json(callResource({ accountSid: account.accountSid, sid, to, from }));
    if (callbackUrl !== undefined && receipts !== 'none') {
      const callback = { url: callbackUrl, ...account, sid, to, from };
      const events = callbackEvents(field(req.body, 'StatusCallbackEvent'));
      context.receipts.dispatch(
        sid,
        callbackUrl,
        twilioCallReceipts(callback, receipts === 'delivered', events),
      );
    }
  };
}

function callbackEvents(value: unknown): string[] {
  const values = Array.isArray(value) ? value : [value];
  return values.flatMap((item) => (typeof item === 'string' ? item.split(/\s+/).filter(Boolean) : []));
}
