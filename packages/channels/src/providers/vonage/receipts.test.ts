import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { WebhookRequest } from '../../receipt.ts';
import { vonageReceipts } from './receipts.ts';

const secret = 'v'.repeat(32);
const ref = 'ver_0123456789abcdef0123456789abcdef.1';
const [sms, voice] = vonageReceipts;
const T = 1_700_000_000;

function request(fields: Partial<WebhookRequest>): WebhookRequest {
  return {
    url: 'https://sendcode.example/webhooks/vonage',
    header: () => undefined,
    body: {},
    ref,
    now: T * 1000,
    ...fields,
  };
}

describe('vonage SMS receipts', () => {
  /** A delivery receipt and its `sig`, as in `signature.test.ts`. */
  const params = {
    messageId: '0A0000001234567B',
    status: 'delivered',
    'client-ref': ref,
    'err-code': '0',
    timestamp: String(T),
    note: 'a&b=c',
    sig: '8373645C6396D3C8997A049C1F654C61E409BFA1B52CCFF52EB004F664C783F5',
  };

  it('reads a signed receipt, its reference from client-ref', () => {
    expect(sms?.read(request({ body: params, ref: undefined }), secret)).toEqual({
      ok: true,
      scope: 'vonage-sms',
      nonce: params.sig,
      reference: ref,
      receipt: {
        channel: 'sms',
        provider: 'vonage',
        status: 'delivered',
        providerMessageId: params.messageId,
        detail: { providerStatus: 'delivered', providerCode: '0' },
      },
    });
  });

  it('refuses it unsigned, stale, badly signed or without a configured secret', () => {
    const { sig: _, ...unsigned } = params;
    expect(sms?.read(request({ body: unsigned }), secret)).toEqual({ ok: false, reason: 'unsigned' });
    const refused = { ok: false, reason: 'invalid_signature' };
    expect(sms?.read(request({ body: params, now: (T + 301) * 1000 }), secret)).toEqual(refused);
    expect(sms?.read(request({ body: { ...params, status: 'failed' } }), secret)).toEqual(refused);
    expect(sms?.read(request({ body: params }), undefined)).toEqual(refused);
  });
});

describe('vonage voice receipts', () => {
  /** The HS256 JWT Vonage signs call events with, over the exact body. */
  function token(body: string, claims: Record<string, unknown> = {}, key = secret): string {
    const payload = {
      iat: T,
      jti: 'jti-1',
      payload_hash: createHash('sha256').update(body).digest('hex'),
      ...claims,
    };
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(payload)}`;
    return `${unsigned}.${createHmac('sha256', key).update(unsigned).digest('base64url')}`;
  }
  const event = (status: string) => JSON.stringify({ uuid: 'call-1', status });
  const read = (body: string, jwt: string | undefined) =>
    voice?.read(
      request({
        body: Buffer.from(body),
        header: (name) => (name === 'authorization' && jwt ? `Bearer ${jwt}` : undefined),
      }),
      secret,
    );

  it('reads a call event, an unanswered call as the callee’s doing, progress as no receipt', () => {
    expect(read(event('busy'), token(event('busy')))).toEqual({
      ok: true,
      scope: 'vonage-voice',
      nonce: 'jti-1',
      reference: ref,
      receipt: {
        channel: 'voice',
        provider: 'vonage',
        status: 'undelivered',
        providerMessageId: 'call-1',
        unanswered: true,
        detail: { providerStatus: 'busy' },
      },
    });
    expect(read(event('completed'), token(event('completed')))).toMatchObject({
      receipt: { status: 'delivered' },
    });
    expect(read(event('ringing'), token(event('ringing')))).toMatchObject({ ok: true, receipt: undefined });
  });

  it('refuses an event without a token, or whose token is stale, another key’s, or for other bytes', () => {
    const body = event('completed');
    expect(read(body, undefined)).toEqual({ ok: false, reason: 'unsigned' });
    const refused = { ok: false, reason: 'invalid_signature' };
    expect(read(body, token(body, { iat: T - 301 }))).toEqual(refused);
    expect(read(body, token(body, {}, 'w'.repeat(32)))).toEqual(refused);
    expect(read(`${body} `, token(body))).toEqual(refused);
    expect(read(body, token(body, { jti: undefined }))).toEqual(refused);
  });
});
