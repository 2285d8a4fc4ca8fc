// The twilio package's webhook module alone: importing `twilio` itself would load the REST client.
import { validateRequest } from 'twilio/lib/webhooks/webhooks.js';
import type { ReceiptRead, ReceiptWebhook, WebhookRequest } from '../../receipt.ts';

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
 * Message and call status callbacks, signed with the account's auth token: the twilio package's
 * own `validateRequest` (HMAC-SHA1 over our public URL and the posted parameters) compares in
 * constant time and refuses a signature of another length without throwing.
 */
function readStatus(request: WebhookRequest, authToken: string | undefined): ReceiptRead {
  const signature = request.header('x-twilio-signature');
  if (!signature) return { ok: false, reason: 'unsigned' };
  const params = (request.body ?? {}) as Record<string, string>;
  if (!authToken || !validateRequest(authToken, signature, request.url, params)) {
    return { ok: false, reason: 'invalid_signature' };
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
  return { ok: true, scope: 'twilio', nonce: signature, receipt, reference: request.ref };
}

/** Twilio's receipt webhook: SMS and calls post their statuses to the same URL. */
export const twilioReceipts: readonly ReceiptWebhook[] = [
  { provider: 'twilio', channels: ['sms', 'voice'], path: 'twilio/status', body: 'form', read: readStatus },
];
