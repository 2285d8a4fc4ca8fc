import { createHash } from 'node:crypto';
import { verifySignature } from '@vonage/jwt';
import type { ReceiptRead, ReceiptWebhook, WebhookRequest } from '../../receipt.ts';
import { constantTimeEqual, isVonageSmsSignature } from './signature.ts';

/** Signed requests older (or newer) than this are refused, so a captured one cannot be replayed later. */
const MAX_SKEW_SECONDS = 300;

const SMS_STATUS: Readonly<Record<string, 'delivered' | 'undelivered'>> = {
  delivered: 'delivered',
  failed: 'undelivered',
  rejected: 'undelivered',
  expired: 'undelivered',
};
const CALL_STATUS: Readonly<Record<string, 'delivered' | 'undelivered'>> = {
  answered: 'delivered',
  completed: 'delivered',
  failed: 'undelivered',
  unanswered: 'undelivered',
  busy: 'undelivered',
  timeout: 'undelivered',
  rejected: 'undelivered',
  cancelled: 'undelivered',
};
/** Call statuses of a call that reached the phone and was not answered: the callee's doing. */
const UNANSWERED: ReadonlySet<string> = new Set(['unanswered', 'busy', 'timeout', 'rejected']);

/**
 * Signed SMS delivery receipts. `sig` (HMAC-SHA256 over the sorted parameters) is compared in
 * constant time, and `timestamp` must be recent.
 */
function readSms(request: WebhookRequest, secret: string | undefined): ReceiptRead {
  const params = stringParams(request.body);
  const sig = params.sig;
  if (!sig || !params.timestamp) return { ok: false, reason: 'unsigned' };
  const age = Math.abs(request.now / 1000 - Number(params.timestamp));
  if (!secret || !(age <= MAX_SKEW_SECONDS) || !isVonageSmsSignature(sig, params, secret)) {
    return { ok: false, reason: 'invalid_signature' };
  }
  const status = SMS_STATUS[params.status ?? ''];
  const receipt =
    status && params.messageId
      ? {
          channel: 'sms' as const,
          provider: 'vonage' as const,
          status,
          providerMessageId: params.messageId,
          detail: { providerStatus: params.status ?? '', providerCode: params['err-code'] ?? '' },
        }
      : undefined;
  return { ok: true, scope: 'vonage-sms', nonce: sig, receipt, reference: params['client-ref'] };
}

/**
 * Call events with a JWT (HS256, the signature secret) in `Authorization`, checked with
 * @vonage/jwt's `verifySignature`; its `payload_hash` must match the exact body and its `iat` be
 * recent; its `jti` is accepted once.
 */
function readVoice(request: WebhookRequest, secret: string | undefined): ReceiptRead {
  const token = /^Bearer (\S+)$/.exec(request.header('authorization') ?? '')?.[1];
  if (!token) return { ok: false, reason: 'unsigned' };
  const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
  const claims = secret && verifySignature(token, secret) ? decodeClaims(token) : undefined;
  const hash = createHash('sha256').update(raw).digest('hex');
  const age = Math.abs(request.now / 1000 - Number(claims?.iat));
  if (
    !claims ||
    typeof claims.jti !== 'string' ||
    !(age <= MAX_SKEW_SECONDS) ||
    typeof claims.payload_hash !== 'string' ||
    !constantTimeEqual(claims.payload_hash, hash)
  ) {
    return { ok: false, reason: 'invalid_signature' };
  }
  const event = parseJson(raw);
  const status = CALL_STATUS[String(event.status ?? '')];
  const receipt =
    status && typeof event.uuid === 'string'
      ? {
          channel: 'voice' as const,
          provider: 'vonage' as const,
          status,
          providerMessageId: event.uuid,
          ...(UNANSWERED.has(String(event.status)) ? { unanswered: true } : {}),
          detail: { providerStatus: String(event.status) },
        }
      : undefined;
  return { ok: true, scope: 'vonage-voice', nonce: claims.jti, receipt, reference: request.ref };
}

/**
 * Vonage's receipt webhooks. SMS receipts come as JSON or a form, as the account is set up; call
 * events are read raw, since the JWT's `payload_hash` covers the exact bytes.
 */
export const vonageReceipts: readonly ReceiptWebhook[] = [
  { provider: 'vonage', channels: ['sms'], path: 'vonage/sms', body: 'json_or_form', read: readSms },
  { provider: 'vonage', channels: ['voice'], path: 'vonage/voice', body: 'raw', read: readVoice },
];

function stringParams(body: unknown): Record<string, string> {
  if (typeof body !== 'object' || body === null) return {};
  return Object.fromEntries(Object.entries(body).map(([key, value]) => [key, String(value)]));
}

function decodeClaims(token: string): Record<string, unknown> | undefined {
  const payload = token.split('.')[1];
  return payload ? parseJson(Buffer.from(payload, 'base64url')) : undefined;
}

function parseJson(raw: Buffer): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(raw.toString('utf8'));
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
