import { generateKeyPairSync } from 'node:crypto';
import type { Channel, DeliveryErrorKind } from '@sendcode/channels';
import { createSmtpEmail, dkimAligned } from '@sendcode/channels';
import { type Sandbox, type SandboxMessage, startSandbox } from '@sendcode/sandbox';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { deliveryFailure } from './cases.ts';

const pem = (bits = 2048) =>
  generateKeyPairSync('rsa', { modulusLength: bits })
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString();

const message = {
  channel: 'email',
  subject: '482916 is your Contoso code',
  text: '482916 is your Contoso code.\n',
  html: '<!DOCTYPE html>\n<html lang="en"><body><p>482916</p></body></html>\n',
} as const;

/**
 * The real nodemailer adapter signing mail and the sandbox's SMTP sink verifying it with mailauth,
 * against the one key the sandbox was given (`sel1._domainkey.contoso.example`).
 */
describe('DKIM: the SMTP adapter signs, the sandbox verifies', () => {
  const known = pem();
  let sandbox: Sandbox;
  const adapters: Channel<'email'>[] = [];

  beforeAll(async () => {
    sandbox = await startSandbox({
      dkimKeys: [{ domain: 'contoso.example', selector: 'sel1', publicKey: known }],
    });
  });
  afterAll(async () => {
    await Promise.all(adapters.map((adapter) => adapter.close()));
    await sandbox.close();
  });
  beforeEach(() => {
    sandbox.clear();
    sandbox.clearFaults();
  });

  function adapter(dkim?: { domainName: string; keySelector: string; privateKey: string }) {
    const created = createSmtpEmail({
      url: `smtp://127.0.0.1:${sandbox.smtpPort}`,
      from: 'Contoso <no-reply@contoso.example>',
      ...(dkim === undefined ? {} : { dkim }),
    });
    adapters.push(created);
    return created;
  }
  const signed = () => adapter({ domainName: 'contoso.example', keySelector: 'sel1', privateKey: known });
  const send = (channel: Channel<'email'>, to: string) => channel.send({ to, message, reference: 'ver_1:0' });
  const listed = async (to: string) =>
    (await (
      await fetch(`${sandbox.httpUrl}/messages?to=${encodeURIComponent(to)}`)
    ).json()) as SandboxMessage[];

  it('signed with the published key: /messages shows dkim pass, the other fields as before', async () => {
    const { providerMessageId } = await send(signed(), 'taro@example.com');
    expect(await listed('taro@example.com')).toEqual([
      expect.objectContaining({
        channel: 'email',
        provider: 'smtp',
        code: '482916',
        subject: message.subject,
        providerMessageId,
        dkim: 'pass',
      }),
    ]);
  });

  it('unsigned: dkim none', async () => {
    await send(adapter(), 'jiro@example.com');
    expect(await listed('jiro@example.com')).toMatchObject([{ dkim: 'none' }]);
  });

  it.each([
    ['another key under the published selector', 'sel1'],
    ['a selector with no record', 'sel2'],
  ])('signed with %s: dkim fail', async (_, keySelector) => {
    await send(
      adapter({ domainName: 'contoso.example', keySelector, privateKey: pem() }),
      'saburo@example.com',
    );
    expect(await listed('saburo@example.com')).toMatchObject([{ dkim: 'fail' }]);
  });

  it('require_dkim: unsigned mail is refused with 550 at DATA, a permanent error that quotes nobody', async () => {
    sandbox.addFault({ provider: 'smtp', channel: 'email', mode: 'require_dkim' });
    const error = await deliveryFailure(send(adapter(), 'shiro@example.com'));
    expect(error.kind).toBe<DeliveryErrorKind>('permanent');
    expect(error.providerCode).toBe('550');
    expect(error.message).toBe('SMTP server replied 550 at DATA');
    expect(sandbox.messages()).toEqual([]);
  });

  it('require_dkim: mail signed with an unknown key is refused as permanent too', async () => {
    sandbox.addFault({ provider: 'smtp', mode: 'require_dkim' });
    const stranger = adapter({ domainName: 'contoso.example', keySelector: 'sel1', privateKey: pem() });
    const error = await deliveryFailure(send(stranger, 'goro@example.com'));
    expect(error.kind).toBe<DeliveryErrorKind>('permanent');
    expect(sandbox.messages()).toEqual([]);
  });

  it('require_dkim: signed mail goes through, and a counted fault is used up by it', async () => {
    sandbox.addFault({ provider: 'smtp', mode: 'require_dkim', count: 1 });
    await send(signed(), 'rokuro@example.com');
    expect(await listed('rokuro@example.com')).toMatchObject([{ dkim: 'pass' }]);
    expect(sandbox.faults()).toEqual([]);
  });
});

describe('DKIM config', () => {
  const url = 'smtp://127.0.0.1:2525';
  const from = 'Contoso <no-reply@contoso.example>';

  it.each([
    ['not a key', /dkim\.privateKey/],
    [generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), /RSA/],
    [pem(512), /at least 1024 bits/],
  ])(
    'refuses a private key nodemailer could not sign with (%#), without quoting it',
    (privateKey, problem) => {
      const create = () =>
        createSmtpEmail({
          url,
          from,
          dkim: { domainName: 'contoso.example', keySelector: 's1', privateKey },
        });
      expect(create).toThrow(problem);
      expect(create).toThrow(/must be an RSA private key in PEM of at least 1024 bits/);
      expect(create).not.toThrow(privateKey.slice(-80, -40));
    },
  );

  it('refuses a domain or a selector that is not a DNS name', () => {
    const privateKey = pem();
    expect(() =>
      createSmtpEmail({ url, from, dkim: { domainName: 'not a domain', keySelector: 's1', privateKey } }),
    ).toThrow(/must be a domain name[\s\S]*at dkim\.domainName/);
    expect(() =>
      createSmtpEmail({ url, from, dkim: { domainName: 'contoso.example', keySelector: 's 1', privateKey } }),
    ).toThrow(/must be a DNS label[\s\S]*at dkim\.keySelector/);
  });

  it.each([
    ['no-reply@contoso.example', 'contoso.example', true],
    ['Contoso <no-reply@Mail.Contoso.example>', 'contoso.example', true],
    ['Contoso <no-reply@contoso.example>', 'mail.contoso.example', true],
    ['Contoso <no-reply@contoso.example>', 'contoso.example.', true],
    ['Contoso <no-reply@contoso.example>', 'sendgrid.net', false],
    ['Contoso <no-reply@contoso.example>', 'notcontoso.example', false],
  ])('From %j signed for %j aligns: %s', (sender, domain, aligned) => {
    expect(dkimAligned(sender, domain)).toBe(aligned);
  });
});
