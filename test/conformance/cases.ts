import { generateKeyPairSync } from 'node:crypto';
import {
  type Channel,
  createSmtpEmail,
  createTwilioSms,
  createTwilioVoice,
  createVonageSms,
  createVonageVoice,
  type DeliveryError,
  type DeliveryErrorKind,
  isDeliveryError,
} from '@sendcode/channels';
import type { ChannelName, MessageFor } from '@sendcode/policy';
import type { SandboxEndpoint } from '@sendcode/sandbox';
import { expect } from 'vitest';

/**
 * The adapters the conformance suites run, each with the real SDK pointed at a sandbox (or at a
 * port nothing listens on), a destination it accepts, one it refuses, and what it should record.
 */

/** Where an adapter should send, and how long it may wait for an answer. */
export interface Target {
  readonly httpUrl: string;
  readonly smtpPort: number;
  readonly timeoutMs?: number;
}

interface AdapterCase<C extends ChannelName> {
  readonly name: string;
  /** Which sandbox API it calls, for its request counts. */
  readonly endpoint: SandboxEndpoint;
  readonly create: (target: Target) => Channel<C>;
  readonly to: string;
  /** A destination the provider refuses outright. */
  readonly refusedTo: string;
  readonly message: MessageFor<C>;
  readonly code: string;
  /** What the sandbox should have recorded as the body. */
  readonly body: string;
  /** How many receipts the provider posts for a delivered message (0: the channel has none). */
  readonly receipts: number;
  /** How the provider says "slow down", and what that must be classified as. */
  readonly throttle: { readonly status: number; readonly kind: DeliveryErrorKind };
}

/** Erases the channel type parameter so cases for different channels fit in one table. */
function adapterCase<C extends ChannelName>(c: AdapterCase<C>) {
  return {
    ...c,
    connect(target: Target) {
      const adapter = c.create(target);
      return {
        adapter,
        send: (to: string, statusCallbackUrl?: string) =>
          adapter.send({
            to,
            message: c.message,
            reference: 'ver_conformance:0',
            ...(statusCallbackUrl === undefined ? {} : { statusCallbackUrl }),
          }),
      };
    },
  };
}

const ACCOUNT_SID = `AC${'a1'.repeat(16)}`;
const { privateKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});

const emailText = '482916 is your Contoso verification code. It expires in 10 minutes.';
const emailHtml = `<!DOCTYPE html>\n<html lang="en"><body><p>482916</p><p>${emailText}</p></body></html>\n`;
const smsText = '【Contoso】認証コード: 482916（10分間有効）。心当たりがない場合は無視してください。';
const speechEn = 'Contoso & Co. Your code is 4, 8, 2, 9, 1, 6. Again, your code is 4, 8, 2, 9, 1, 6.';
const speechJa = 'Contoso です。認証コードは、4、8、2、9、1、6、です。もう一度、4、8、2、9、1、6、です。';
const httpThrottle = { status: 429, kind: 'rate_limited' } as const;

export const cases = [
  adapterCase({
    name: 'smtp email',
    endpoint: 'smtp:email',
    create: (target) =>
      createSmtpEmail({
        url: `smtp://user:pass@127.0.0.1:${target.smtpPort}`,
        from: 'Contoso <no-reply@contoso.example>',
        timeoutMs: target.timeoutMs,
      }),
    to: 'taro@example.com',
    refusedTo: 'taro@docomo.ne.jp',
    message: {
      channel: 'email',
      subject: 'Your Contoso code',
      text: emailText,
      html: emailHtml,
      fromName: 'Contoso Security',
    },
    code: '482916',
    // The sandbox records the text part; the HTML part rides alongside (smtp-email.test.ts).
    body: emailText,
    receipts: 0,
    // SMTP has no rate limit answer: a server short of resources defers with 452, and we retry.
    throttle: { status: 452, kind: 'retryable' },
  }),
  adapterCase({
    name: 'twilio sms',
    endpoint: 'twilio:sms',
    create: (target) =>
      createTwilioSms({
        accountSid: ACCOUNT_SID,
        authToken: 'token',
        from: '+15005550006',
        baseUrl: target.httpUrl,
        timeoutMs: target.timeoutMs,
      }),
    to: '+819012345678',
    refusedTo: '090-1234-5678',
    message: { channel: 'sms', text: smsText },
    code: '482916',
    body: smsText,
    receipts: 2,
    throttle: httpThrottle,
  }),
  adapterCase({
    name: 'twilio voice',
    endpoint: 'twilio:voice',
    create: (target) =>
      createTwilioVoice({
        accountSid: ACCOUNT_SID,
        authToken: 'token',
        from: '+15005550006',
        baseUrl: target.httpUrl,
        timeoutMs: target.timeoutMs,
      }),
    to: '+14155550100',
    refusedTo: 'not a number',
    message: { channel: 'voice', speech: speechEn, language: 'en-US' },
    code: '482916',
    body: speechEn,
    receipts: 4,
    throttle: httpThrottle,
  }),
  adapterCase({
    name: 'vonage sms',
    endpoint: 'vonage:sms',
    create: (target) =>
      createVonageSms({
        apiKey: 'key',
        apiSecret: 'secret',
        from: 'Contoso',
        restHost: target.httpUrl,
        timeoutMs: target.timeoutMs,
      }),
    to: '+819012345678',
    refusedTo: '090-1234-5678',
    message: { channel: 'sms', text: smsText },
    code: '482916',
    body: smsText,
    receipts: 1,
    // Asked for a 429, the sandbox answers like the SMS API: HTTP 200, message status 1 (throttled).
    throttle: httpThrottle,
  }),
  adapterCase({
    name: 'vonage voice',
    endpoint: 'vonage:voice',
    create: (target) =>
      createVonageVoice({
        applicationId: 'app-id',
        privateKey,
        from: '+815012345678',
        apiHost: target.httpUrl,
        timeoutMs: target.timeoutMs,
      }),
    to: '+819012345678',
    refusedTo: 'not a number',
    message: { channel: 'voice', speech: speechJa, language: 'ja-JP' },
    code: '482916',
    body: speechJa,
    receipts: 4,
    throttle: httpThrottle,
  }),
];

export type ConformanceCase = (typeof cases)[number];

/** The DeliveryError a send must fail with; anything else fails the test. */
export async function deliveryFailure(attempt: Promise<unknown>): Promise<DeliveryError> {
  const error = await attempt.then(
    () => expect.unreachable('send should have failed'),
    (thrown: unknown) => thrown,
  );
  if (!isDeliveryError(error)) throw error;
  return error;
}
