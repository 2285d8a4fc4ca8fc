import { rfc2822 } from '../twilio/resources.ts';
import { twilioSignature } from '../twilio/signatures.ts';
import type { ReceiptRequest, ReceiptStep } from './dispatcher.ts';

/** What Twilio needs to call back about one message or call: where, and the account to sign for. */
export interface TwilioCallback {
  readonly url: string;
  readonly accountSid: string;
  /** The token the client authenticated with: Twilio signs with the account's auth token. */
  readonly authToken: string;
  readonly sid: string;
  readonly to: string;
  readonly from: string;
}

/** `sent`, then `delivered` — or `undelivered` with 30003 (unreachable destination handset). */
export function twilioMessageReceipts(callback: TwilioCallback, delivered: boolean): ReceiptStep[] {
  const receipt = (status: string, errorCode?: string) =>
    signedForm(callback, {
      AccountSid: callback.accountSid,
      ApiVersion: '2010-04-01',
      From: callback.from,
      MessageSid: callback.sid,
      MessageStatus: status,
      SmsSid: callback.sid,
      SmsStatus: status,
      To: callback.to,
      ...(errorCode === undefined ? {} : { ErrorCode: errorCode }),
    });
  return [
    { build: () => receipt('sent') },
    delivered
      ? { build: () => receipt('delivered'), settles: 'delivered' }
      : { build: () => receipt('undelivered', '30003'), settles: 'undelivered' },
  ];
}

/** The `StatusCallbackEvent` values a call can ask for, and what Twilio reports for each. */
const CALL_EVENTS = ['initiated', 'ringing', 'answered', 'completed'] as const;

/**
 * The call's progress, for the events the client asked for (Twilio's default: `completed` only).
 * Answered: initiated, ringing, in-progress, completed. Not answered: initiated, ringing, no-answer.
 */
export function twilioCallReceipts(
  callback: TwilioCallback,
  delivered: boolean,
  requestedEvents: readonly string[],
): ReceiptStep[] {
  const progress: Array<[(typeof CALL_EVENTS)[number], string]> = delivered
    ? [
        ['initiated', 'initiated'],
        ['ringing', 'ringing'],
        ['answered', 'in-progress'],
        ['completed', 'completed'],
      ]
    : [
        ['initiated', 'initiated'],
        ['ringing', 'ringing'],
        ['completed', 'no-answer'],
      ];
  const wanted = requestedEvents.length === 0 ? ['completed'] : requestedEvents;
  return progress
    .filter(([event]) => wanted.includes(event))
    .map(
      ([event, status], sequence): ReceiptStep => ({
        build: () =>
          signedForm(callback, {
            AccountSid: callback.accountSid,
            ApiVersion: '2010-04-01',
            CallSid: callback.sid,
            CallStatus: status,
            CallbackSource: 'call-progress-events',
            Direction: 'outbound-api',
            From: callback.from,
            SequenceNumber: String(sequence),
            Timestamp: rfc2822(new Date()),
            To: callback.to,
            ...(status === 'completed' ? { CallDuration: '14' } : {}),
          }),
        ...(event === 'completed' ? { settles: delivered ? 'delivered' : 'undelivered' } : {}),
      }),
    );
}

function signedForm(callback: TwilioCallback, params: Record<string, string>): ReceiptRequest {
  return {
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'user-agent': 'TwilioProxy/1.1',
      'x-twilio-signature': twilioSignature(callback.authToken, callback.url, params),
    },
    body: new URLSearchParams(params).toString(),
  };
}
