import { connect } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MessageLog } from '../messages.ts';
import { type SmtpSink, startSmtpSink } from './sink.ts';

/** Speaks SMTP by hand: sends each command after the previous reply, returns every reply. */
async function smtpDialog(port: number, commands: readonly string[]): Promise<string[]> {
  const socket = connect(port, '127.0.0.1');
  socket.setEncoding('utf8');
  const replies: string[] = [];
  let buffer = '';
  let reply = '';
  await new Promise<void>((resolve, reject) => {
    socket.on('error', reject);
    socket.on('data', (chunk: string) => {
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
  let sink: SmtpSink;
  beforeAll(async () => {
    sink = await startSmtpSink({ host: '127.0.0.1', port: 0, log });
  });
  afterAll(() => sink.close());
  beforeEach(() => log.clear());

  it('rejects carrier mail at RCPT TO with 550 5.7.1 and records nothing', async () => {
    const replies = await smtpDialog(sink.port, [
      'EHLO test',
      'MAIL FROM:<no-reply@contoso.example>',
      'RCPT TO:<taro@docomo.ne.jp>',
      'QUIT',
    ]);
    expect(replies[3]).toMatch(/^550 5\.7\.1 Message rejected: PC mail is refused/);
    expect(log.list()).toEqual([]);
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
});
