import { connect } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FaultBook } from '../faults/book.ts';
import { MessageLog } from '../messages.ts';
import { RequestCounter } from '../requests.ts';
import { type SmtpSink, startSmtpSink } from './sink.ts';

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
