import { generateKeyPairSync } from 'node:crypto';
import { connect } from 'node:net';
import { dkimSign } from 'mailauth/lib/dkim/sign.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FaultBook } from '../faults/book.ts';
import { MessageLog } from '../messages.ts';
import { RequestCounter } from '../requests.ts';
import { DKIM_REJECTION, type SmtpSink, startSmtpSink } from './sink.ts';

/**
 * Speaks SMTP by hand: sends each command after the previous reply, returns every reply. When the
 * server stays silent for `quietMs`, hangs up and returns the replies so far.
 */
async function smtpDialog(port: number, commands: readonly string[], quietMs = 5_000): Promise<string[]> {
  const socket = connect(port, '127.0.0.1');
  socket.setEncoding('utf8');
  const replies: string[] = [];
  let buffer = '';
  let reply = '';
  await new Promise<void>((resolve, reject) => {
    const hangUp = () => {
      socket.destroy();
      resolve();
    };
    let quiet = setTimeout(hangUp, quietMs);
    socket.on('error', reject);
    socket.on('data', (chunk: string) => {
      clearTimeout(quiet);
      quiet = setTimeout(hangUp, quietMs);
      buffer += chunk;
      for (let end = buffer.indexOf('\r\n'); end >= 0; end = buffer.indexOf('\r\n')) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        reply += reply === '' ? line : `\n${line}`;
        if (!/^\d{3} /.test(line)) continue;
        replies.push(reply);
        reply = '';
        const next = commands[replies.length - 1];
        if (next === undefined) {
          clearTimeout(quiet);
          socket.end();
          resolve();
        } else {
          socket.write(`${next}\r\n`);
        }
      }
    });
  });
  return replies;
}

const privateKey = () =>
  generateKeyPairSync('rsa', { modulusLength: 2048 })
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString();

describe('SMTP sink', () => {
  const log = new MessageLog();
  const faults = new FaultBook();
  const requests = new RequestCounter();
  let sink: SmtpSink;
  beforeAll(async () => {
    sink = await startSmtpSink({ host: '127.0.0.1', port: 0, context: { log, faults, requests } });
  });
  afterAll(() => sink.close());
  beforeEach(() => {
    log.clear();
    faults.clear();
    requests.reset();
  });

  const envelope = (...recipients: string[]) => [
    'EHLO test',
    'MAIL FROM:<no-reply@contoso.example>',
    ...recipients.map((recipient) => `RCPT TO:<${recipient}>`),
    'QUIT',
  ];

  it.each([
    'taro@docomo.ne.jp',
    'taro@ezweb.ne.jp',
    'taro@au.com',
    'taro@softbank.ne.jp',
    'taro@i.softbank.jp',
  ])('rejects carrier mail to %s at RCPT TO with 550 5.7.1 and records nothing', async (address) => {
    const replies = await smtpDialog(sink.port, envelope(address));
    expect(replies[3]).toMatch(/^550 5\.7\.1 Message rejected: PC mail is refused/);
    expect(log.list()).toEqual([]);
  });

  it('accepts the carrier domains that only filter silently (disney.ne.jp)', async () => {
    const replies = await smtpDialog(sink.port, envelope('taro@disney.ne.jp'));
    expect(replies[3]).toMatch(/^250 /);
  });

  it('accepts other mail, without AUTH, and records one message per recipient', async () => {
    const replies = await smtpDialog(sink.port, [
      'EHLO test',
      'MAIL FROM:<no-reply@contoso.example>',
      'RCPT TO:<Taro@Example.com>',
      'RCPT TO:<hanako@docomo.ne.jp>',
      'RCPT TO:<jiro@example.com>',
      'DATA',
      'Subject: Your code\r\nMessage-ID: <m1@contoso.example>\r\n\r\nYour code is 246810.\r\n.',
      'QUIT',
    ]);
    expect(replies.slice(3, 7).map((r) => r.slice(0, 3))).toEqual(['250', '550', '250', '354']);
    expect(replies[7]).toMatch(/^250 /);
    expect(log.list()).toMatchObject([
      { channel: 'email', provider: 'smtp', to: 'taro@example.com', code: '246810', subject: 'Your code' },
      { to: 'jiro@example.com', providerMessageId: '<m1@contoso.example>', body: 'Your code is 246810.' },
    ]);
  });

  it('answers RCPT TO with the injected faults, each counted once', async () => {
    faults.add({ provider: 'smtp', mode: 'error', count: 1 });
    faults.add({ provider: 'smtp', mode: 'error', status: 452, count: 1 });
    faults.add({ provider: 'smtp', mode: 'reject', count: 1 });
    const replies = await smtpDialog(
      sink.port,
      envelope('a@example.com', 'b@example.com', 'c@example.com', 'd@example.com'),
    );
    expect(replies.slice(3, 7)).toEqual([
      '451 4.3.0 Temporary failure',
      '452 4.3.0 Temporary failure',
      '550 5.1.1 Recipient address rejected: user unknown',
      expect.stringMatching(/^250 /),
    ]);
    expect(requests.snapshot()['smtp:email']).toBe(4);
    expect(faults.list()).toEqual([]);
  });

  it('stalls RCPT TO on a timeout fault until the client hangs up', async () => {
    faults.add({ provider: 'smtp', mode: 'timeout' });
    const replies = await smtpDialog(sink.port, envelope('b@example.com'), 300);
    // Greeting, EHLO and MAIL FROM answered; RCPT TO never.
    expect(replies.map((r) => r.slice(0, 3))).toEqual(['220', '250', '250']);
    expect(requests.snapshot()['smtp:email']).toBe(1);
  });
});

describe('SMTP sink and DKIM', () => {
  const log = new MessageLog();
  const faults = new FaultBook();
  const requests = new RequestCounter();
  const key = privateKey();
  let sink: SmtpSink;
  beforeAll(async () => {
    sink = await startSmtpSink({
      host: '127.0.0.1',
      port: 0,
      context: { log, faults, requests },
      dkimKeys: [{ domain: 'contoso.example', selector: 'sel1', publicKey: key }],
    });
  });
  afterAll(() => sink.close());
  beforeEach(() => {
    log.clear();
    faults.clear();
  });

  const mail = [
    'From: Contoso <no-reply@contoso.example>',
    'To: taro@example.com',
    'Subject: Your code',
    'Message-ID: <m2@contoso.example>',
    '',
    'Your code is 246810.',
    '',
  ].join('\r\n');
  const signed = async (message: string, signingKey = key) => {
    const signature = { signingDomain: 'contoso.example', selector: 'sel1', privateKey: signingKey };
    const { signatures } = await dkimSign(message, { ...signature, signatureData: [signature] });
    if (signatures === '') throw new Error('mailauth did not sign');
    return signatures + message;
  };
  /** One transaction: the replies to each RCPT TO, then to the end of DATA. */
  const deliver = async (message: string, recipients = ['taro@example.com']) => {
    const replies = await smtpDialog(sink.port, [
      'EHLO test',
      'MAIL FROM:<no-reply@contoso.example>',
      ...recipients.map((recipient) => `RCPT TO:<${recipient}>`),
      'DATA',
      `${message}.`,
      'QUIT',
    ]);
    return { rcpt: replies.slice(3, 3 + recipients.length), data: replies[4 + recipients.length] };
  };

  it.each([
    ['signed with the key it knows', () => signed(mail), 'pass'],
    ['unsigned', async () => mail, 'none'],
    [
      'signed, then its body altered on the way',
      async () => (await signed(mail)).replace('246810', '135790'),
      'fail',
    ],
    [
      'signed, then its subject altered',
      async () => (await signed(mail)).replace('Your code', 'Urgent'),
      'fail',
    ],
    ['signed with another key', () => signed(mail, privateKey()), 'fail'],
  ])('records a message %s with its DKIM verdict', async (_, message, dkim) => {
    const { data } = await deliver(await message());
    expect(data).toMatch(/^250 /);
    expect(log.list()).toMatchObject([{ to: 'taro@example.com', dkim }]);
  });

  it.each([
    ['unsigned', async () => mail, DKIM_REJECTION.none],
    ['badly signed', async () => (await signed(mail)).replace('246810', '135790'), DKIM_REJECTION.fail],
  ])(
    'require_dkim: refuses a message %s with 550 at DATA, for all its recipients',
    async (_, message, reason) => {
      faults.add({ provider: 'smtp', mode: 'require_dkim', count: 1 });
      const { rcpt, data } = await deliver(await message(), ['taro@example.com', 'jiro@example.com']);
      expect(rcpt.map((reply) => reply.slice(0, 3))).toEqual(['250', '250']);
      expect(data).toBe(`550 ${reason}`);
      expect(log.list()).toEqual([]);
      expect(faults.list()).toEqual([]);
    },
  );

  it('require_dkim: lets a message through whose signature verifies, and holds for one transaction only', async () => {
    faults.add({ provider: 'smtp', mode: 'require_dkim', count: 1 });
    expect((await deliver(await signed(mail))).data).toMatch(/^250 /);
    expect((await deliver(mail)).data).toMatch(/^250 /);
    expect(log.list()).toMatchObject([{ dkim: 'pass' }, { dkim: 'none' }]);
  });
});
