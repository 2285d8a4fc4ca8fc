import { generateKeyPairSync } from 'node:crypto';
import type { ChannelName, MessageFor } from '@sendcode/policy';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Sandbox, type SandboxMessage, startSandbox } from '../../../apps/sandbox/src/index.ts';
import { freePort } from '../../../test/helpers/redis-server.ts';
import { type Channel, type DeliveryErrorKind, isDeliveryError } from './channel.ts';
import { createSmtpEmail } from './email/smtp/smtp-email.ts';
import { createTwilioSms } from './sms/twilio/twilio-sms.ts';
import { createVonageSms } from './sms/vonage/vonage-sms.ts';
import { createTwilioVoice } from './voice/twilio/twilio-voice.ts';
import { createVonageVoice } from './voice/vonage/vonage-voice.ts';

/**
 * The one suite every adapter passes: the real SDK, talking to the sandbox started in-process.
 * Each adapter must hand the message over, report the provider's id, and classify the two
 * failures every provider has: a destination it refuses (permanent) and being unreachable.
 */

/** Where an adapter should send: the live sandbox, or a port nothing listens on. */
interface Target {
  readonly httpUrl: string;
  readonly smtpPort: number;
}

interface AdapterCase<C extends ChannelName> {
  readonly name: string;
  readonly create: (target: Target) => Channel<C>;
  readonly to: string;
  /** A destination the provider refuses outright. */
  readonly refusedTo: string;
  readonly message: MessageFor<C>;
  readonly code: string;
  /** What the sandbox should have recorded as the body. */
  readonly body: string;
}

/** Erases the channel type parameter so cases for different channels fit in one table. */
function adapterCase<C extends ChannelName>(c: AdapterCase<C>) {
  return {
    ...c,
    connect(target: Target) {
      const adapter = c.create(target);
      return {
        adapter,
        send: (to: string) => adapter.send({ to, message: c.message, reference: 'ver_conformance:0' }),
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
const smsText = '【Contoso】認証コード: 482916（10分間有効）。心当たりがない場合は無視してください。';
const speechEn = 'Contoso & Co. Your code is 4, 8, 2, 9, 1, 6. Again, your code is 4, 8, 2, 9, 1, 6.';
const speechJa = 'Contoso です。認証コードは、4、8、2、9、1、6、です。もう一度、4、8、2、9、1、6、です。';

const cases = [
  adapterCase({
    name: 'smtp email',
    create: (target) =>
      createSmtpEmail({
        url: `smtp://user:pass@127.0.0.1:${target.smtpPort}`,
        from: 'Contoso <no-reply@contoso.example>',
      }),
    to: 'taro@example.com',
    refusedTo: 'taro@docomo.ne.jp',
    message: { channel: 'email', subject: 'Your Contoso code', text: emailText },
    code: '482916',
    body: emailText,
  }),
  adapterCase({
    name: 'twilio sms',
    create: (target) =>
      createTwilioSms({
        accountSid: ACCOUNT_SID,
        authToken: 'token',
        from: '+15005550006',
        baseUrl: target.httpUrl,
      }),
    to: '+819012345678',
    refusedTo: '090-1234-5678',
    message: { channel: 'sms', text: smsText },
    code: '482916',
    body: smsText,
  }),
  adapterCase({
    name: 'twilio voice',
    create: (target) =>
      createTwilioVoice({
        accountSid: ACCOUNT_SID,
        authToken: 'token',
        from: '+15005550006',
        baseUrl: target.httpUrl,
      }),
    to: '+14155550100',
    refusedTo: 'not a number',
    message: { channel: 'voice', speech: speechEn, language: 'en-US' },
    code: '482916',
    body: speechEn,
  }),
  adapterCase({
    name: 'vonage sms',
    create: (target) =>
      createVonageSms({ apiKey: 'key', apiSecret: 'secret', from: 'Contoso', restHost: target.httpUrl }),
    to: '+819012345678',
    refusedTo: '090-1234-5678',
    message: { channel: 'sms', text: smsText },
    code: '482916',
    body: smsText,
  }),
  adapterCase({
    name: 'vonage voice',
    create: (target) =>
      createVonageVoice({
        applicationId: 'app-id',
        privateKey,
        from: '+815012345678',
        apiHost: target.httpUrl,
      }),
    to: '+819012345678',
    refusedTo: 'not a number',
    message: { channel: 'voice', speech: speechJa, language: 'ja-JP' },
    code: '482916',
    body: speechJa,
  }),
];

async function deliveryFailure(attempt: Promise<unknown>) {
  const error = await attempt.then(
    () => expect.unreachable('send should have failed'),
    (thrown: unknown) => thrown,
  );
  if (!isDeliveryError(error)) throw error;
  return error;
}

describe.each(cases)('$name adapter', (adapterCase) => {
  let sandbox: Sandbox;
  let live: ReturnType<typeof adapterCase.connect>;
  let down: ReturnType<typeof adapterCase.connect>;

  beforeAll(async () => {
    sandbox = await startSandbox({ httpPort: 0, smtpPort: 0 });
    live = adapterCase.connect(sandbox);
    const closedPort = await freePort();
    down = adapterCase.connect({ httpUrl: `http://127.0.0.1:${closedPort}`, smtpPort: closedPort });
  });
  afterAll(async () => {
    await Promise.all([live.adapter.close(), down.adapter.close()]);
    await sandbox.close();
  });
  beforeEach(() => sandbox.clear());

  it('hands the message to the provider and reports its id', async () => {
    const result = await live.send(adapterCase.to);
    expect(result.providerMessageId).toEqual(expect.any(String));
    expect(result.providerMessageId).not.toBe('');

    const response = await fetch(`${sandbox.httpUrl}/messages?to=${encodeURIComponent(adapterCase.to)}`);
    const recorded = (await response.json()) as SandboxMessage[];
    expect(recorded).toEqual([
      expect.objectContaining({
        channel: live.adapter.channel,
        provider: live.adapter.provider,
        code: adapterCase.code,
        body: adapterCase.body,
        providerMessageId: result.providerMessageId,
      }),
    ]);
  });

  it('reports a destination the provider refuses as permanent, without quoting it', async () => {
    const error = await deliveryFailure(live.send(adapterCase.refusedTo));
    expect(error.kind).toBe<DeliveryErrorKind>('permanent');
    expect(error.provider).toBe(live.adapter.provider);
    expect(error.providerCode).toEqual(expect.any(String));
    expect(error.message).not.toContain(adapterCase.refusedTo);
    expect(error.message).not.toContain(adapterCase.code);
    expect(error.cause).toBeUndefined();
    expect(sandbox.messages()).toEqual([]);
  });

  it('reports an unreachable provider as retryable', async () => {
    const error = await deliveryFailure(down.send(adapterCase.to));
    expect(error.kind).toBe<DeliveryErrorKind>('retryable');
    expect(error.provider).toBe(down.adapter.provider);
    expect(error.message).not.toContain(adapterCase.to);
  });

  it('closes more than once', async () => {
    const adapter = adapterCase.create(sandbox);
    await adapter.close();
    await adapter.close();
  });
});
