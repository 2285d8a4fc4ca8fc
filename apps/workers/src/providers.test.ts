import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnv } from '@sendcode/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../sandbox/src/index.ts';
import { workersEnv } from './config.ts';
import { buildChannels, dkimAlignmentWarning } from './providers.ts';

const key = generateKeyPairSync('rsa', { modulusLength: 2048 })
  .privateKey.export({ type: 'pkcs8', format: 'pem' })
  .toString();
const env = (extra: Record<string, string>) =>
  parseEnv(workersEnv, {
    REDIS_URL: 'redis://127.0.0.1:6390',
    SENDCODE_SECRET: 'x'.repeat(32),
    MAIL_FROM: 'Contoso <no-reply@contoso.example>',
    ...extra,
  });

describe('buildChannels: DKIM', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({
      dkimKeys: [{ domain: 'contoso.example', selector: 'sel1', publicKey: key }],
    });
  });
  afterAll(() => sandbox.close());

  const file = join(mkdtempSync(join(tmpdir(), 'sendcode-dkim-')), 'dkim.key');
  writeFileSync(file, key, { mode: 0o600 });

  it.each([
    ['a path to the PEM', file],
    ['the PEM on one line, newlines written as \\n', key.replaceAll('\n', '\\n')],
  ])('signs the mail with DKIM_PRIVATE_KEY given as %s', async (_, value) => {
    const to = `taro+${value.length}@example.com`;
    const { email } = buildChannels(
      env({
        SMTP_URL: `smtp://127.0.0.1:${sandbox.smtpPort}`,
        DKIM_DOMAIN: 'contoso.example',
        DKIM_SELECTOR: 'sel1',
        DKIM_PRIVATE_KEY: value,
      }),
    );
    const [adapter] = email;
    await adapter?.send({
      to,
      message: { channel: 'email', subject: '482916 is your code', text: '482916', html: '<p>482916</p>' },
      reference: 'ver_1:0',
    });
    await adapter?.close();
    expect(sandbox.messages().filter((m) => m.to === to)).toMatchObject([{ dkim: 'pass' }]);
  });

  it('refuses to build the email adapter with a key it could not sign with', () => {
    const build = () =>
      buildChannels(
        env({
          SMTP_URL: 'smtp://127.0.0.1:2525',
          DKIM_DOMAIN: 'contoso.example',
          DKIM_SELECTOR: 'sel1',
          DKIM_PRIVATE_KEY: '-----BEGIN PRIVATE KEY-----\\nbm90IGEga2V5\\n-----END PRIVATE KEY-----',
        }),
      );
    expect(build).toThrow(
      /invalid smtp email config:[\s\S]*must be an RSA private key[\s\S]*dkim\.privateKey/,
    );
  });
});

describe('dkimAlignmentWarning', () => {
  const signing = (domain: string, from = 'Contoso <no-reply@contoso.example>') =>
    env({ MAIL_FROM: from, DKIM_DOMAIN: domain, DKIM_SELECTOR: 's1', DKIM_PRIVATE_KEY: key });

  it('is silent when not signing, or signing for the From domain or its parent', () => {
    expect(dkimAlignmentWarning(env({}))).toBeUndefined();
    expect(dkimAlignmentWarning(signing('contoso.example'))).toBeUndefined();
    expect(dkimAlignmentWarning(signing('contoso.example', 'no-reply@mail.contoso.example'))).toBeUndefined();
  });

  it('warns when the signing domain cannot align with MAIL_FROM’s', () => {
    expect(dkimAlignmentWarning(signing('mailer.example'))).toBe(
      'DKIM_DOMAIN mailer.example does not align with the MAIL_FROM domain: DMARC needs the signing domain to be the From domain (or its parent), or carriers may treat the mail as spoofed',
    );
  });
});
