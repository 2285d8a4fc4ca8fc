import { randomUUID } from 'node:crypto';
import { vonageSmsSignature, vonageWebhookToken } from '../vonage/signatures.ts';
import type { ReceiptRequest, ReceiptStep } from './dispatcher.ts';

/** Where and how to send one SMS's delivery receipt. */
export interface VonageSmsCallback {
  readonly url: string;
  readonly signatureSecret: string;
  readonly apiKey: string;
  readonly messageId: string;
  /** The destination, as the client wrote it. */
  readonly to: string;
  /** The sender (number or alphanumeric ID). */
  readonly from: string;
  readonly clientRef?: string;
}

/**
 * One signed DLR, as JSON: `delivered` with err-code 0, or `failed` with err-code 1 (unknown
 * failure). Every value is a string, as Vonage sends them and as the SDK's verifier expects.
 */
export function vonageSmsReceipts(callback: VonageSmsCallback, delivered: boolean): ReceiptStep[] {
  const build = (): ReceiptRequest => {
    const now = new Date();
    const params: Record<string, string> = {
      msisdn: callback.to.replace(/^\+/, ''),
      to: callback.from,
      'network-code': '44010',
      messageId: callback.messageId,
      price: '0.07400000',
      status: delivered ? 'delivered' : 'failed',
      scts: now.toISOString().replace(/\D/g, '').slice(2, 12),
      'err-code': delivered ? '0' : '1',
      'api-key': callback.apiKey,
      ...(callback.clientRef === undefined ? {} : { 'client-ref': callback.clientRef }),
      'message-timestamp': now.toISOString().slice(0, 19).replace('T', ' '),
      timestamp: String(Math.floor(now.getTime() / 1000)),
      nonce: randomUUID(),
    };
    const body = JSON.stringify({ ...params, sig: vonageSmsSignature(params, callback.signatureSecret) });
    return { headers: { 'content-type': 'application/json' }, body };
  };
  return [{ build, settles: delivered ? 'delivered' : 'undelivered' }];
}

/** Where and how to send one call's events. */
export interface VonageCallCallback {
  readonly url: string;
  readonly signatureSecret: string;
  readonly apiKey: string;
  readonly applicationId: string;
  readonly uuid: string;
  readonly conversationUuid: string;
  readonly to: string;
  readonly from: string;
}

/**
 * Call events, each a JSON body with a signed JWT: started, ringing, answered, completed — or, for
 * a call nobody picks up, started, ringing, unanswered.
 */
export function vonageCallEvents(callback: VonageCallCallback, delivered: boolean): ReceiptStep[] {
  const statuses = delivered
    ? ['started', 'ringing', 'answered', 'completed']
    : ['started', 'ringing', 'unanswered'];
  return statuses.map((status, index): ReceiptStep => {
    const final = index === statuses.length - 1;
    return {
      build: () => callEvent(callback, status),
      ...(final ? { settles: delivered ? 'delivered' : 'undelivered' } : {}),
    };
  });
}

function callEvent(callback: VonageCallCallback, status: string): ReceiptRequest {
  const body = JSON.stringify({
    uuid: callback.uuid,
    conversation_uuid: callback.conversationUuid,
    status,
    direction: 'outbound',
    timestamp: new Date().toISOString(),
    to: callback.to,
    from: callback.from,
    ...(status === 'completed' ? { duration: '14', rate: '0.01270000', price: '0.00296333' } : {}),
  });
  const token = vonageWebhookToken(body, callback.signatureSecret, callback);
  return { headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body };
}
