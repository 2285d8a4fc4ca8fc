import twilio from 'twilio';
import { describe, expect, it } from 'vitest';
import type { WebhookRequest } from '../../receipt.ts';
import { twilioReceipts } from './receipts.ts';

const token = 't'.repeat(32);
const ref = 'ver_0123456789abcdef0123456789abcdef.1';
const url = `https://sendcode.example/webhooks/twilio/status?ref=${ref}`;
const [webhook] = twilioReceipts;

/** A status callback as Twilio posts it, signed with `token` (by the SDK) unless told otherwise. */
function read(
  params: Record<string, string>,
  signature = twilio.getExpectedTwilioSignature(token, url, params),
) {
  const request: WebhookRequest = {
    url,
    header: (name) => (name === 'x-twilio-signature' ? signature || undefined : undefined),
    body: params,
    ref,
    now: Date.now(),
  };
  return webhook?.read(request, token);
}

describe('twilio receipts', () => {
  it('reads a final message status, with its error code', () => {
    const params = { MessageSid: 'SM1', MessageStatus: 'undelivered', ErrorCode: '30003' };
    expect(read(params)).toEqual({
      ok: true,
      scope: 'twilio',
      nonce: twilio.getExpectedTwilioSignature(token, url, params),
      reference: ref,
      receipt: {
        channel: 'sms',
        provider: 'twilio',
        status: 'undelivered',
        providerMessageId: 'SM1',
        detail: { providerStatus: 'undelivered', providerCode: '30003' },
      },
    });
  });

  it('reads a call that rang unanswered as undelivered by the callee, and progress as no receipt', () => {
    expect(read({ CallSid: 'CA1', CallStatus: 'no-answer' })).toMatchObject({
      receipt: { channel: 'voice', status: 'undelivered', providerMessageId: 'CA1', unanswered: true },
    });
    expect(read({ CallSid: 'CA1', CallStatus: 'completed' })).toMatchObject({
      receipt: { channel: 'voice', status: 'delivered', detail: { providerStatus: 'completed' } },
    });
    expect(read({ MessageSid: 'SM1', MessageStatus: 'sent' })).toMatchObject({
      ok: true,
      receipt: undefined,
    });
  });

  it('refuses a request without a signature, with a wrong one, or without a configured token', () => {
    const params = { MessageSid: 'SM1', MessageStatus: 'delivered' };
    expect(read(params, '')).toEqual({ ok: false, reason: 'unsigned' });
    expect(read(params, 'x')).toEqual({ ok: false, reason: 'invalid_signature' });
    const signedForOther = twilio.getExpectedTwilioSignature(token, url, params);
    expect(read({ ...params, MessageStatus: 'failed' }, signedForOther)).toEqual({
      ok: false,
      reason: 'invalid_signature',
    });
    const signed = { url, header: () => 'sig', body: params, ref, now: 0 };
    expect(webhook?.read(signed, undefined)).toEqual({ ok: false, reason: 'invalid_signature' });
  });
});
