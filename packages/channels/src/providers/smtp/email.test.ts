import { once } from 'node:events';
import { type AddressInfo, createServer, type Server } from 'node:net';
import addressparser from 'nodemailer/lib/addressparser';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSmtpEmail } from './email.ts';

/**
 * What the adapter puts on the wire, read off a minimal SMTP server: the sandbox keeps only the text
 * part, so the HTML part and the From header are checked here.
 */
const received: string[] = [];

function startRawSmtp(): Server {
  return createServer((socket) => {
    socket.setEncoding('utf8');
    socket.write('220 raw ESMTP\r\n');
    let buffer = '';
    let data: string[] | undefined;
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      for (let end = buffer.indexOf('\r\n'); end >= 0; end = buffer.indexOf('\r\n')) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (data !== undefined) {
          if (line !== '.') data.push(line);
          else {
            received.push(data.join('\n'));
            data = undefined;
            socket.write('250 2.0.0 queued\r\n');
          }
          continue;
        }
        const command = line.slice(0, 4).toUpperCase();
        if (command === 'DATA') {
          data = [];
          socket.write('354 go ahead\r\n');
        } else if (command === 'QUIT') socket.end('221 bye\r\n');
        else socket.write('250 ok\r\n');
      }
    });
  });
}

const message = {
  channel: 'email',
  subject: '482916 is your Contoso code',
  text: '482916 is your Contoso code.\n',
  html: '<!DOCTYPE html>\n<html lang="en"><body><p>482916</p></body></html>\n',
} as const;

/** The header's value, unfolded. */
function header(raw: string, name: string): string | undefined {
  const head = raw.slice(0, raw.indexOf('\n\n')).replace(/\n[ \t]+/g, ' ');
  return head
    .split('\n')
    .find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`))
    ?.slice(name.length + 1)
    .trim();
}

describe('createSmtpEmail on the wire', () => {
  let server: Server;
  let url: string;

  beforeAll(async () => {
    server = startRawSmtp().listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = `smtp://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    received.length = 0;
  });

  async function send(fromName?: string): Promise<string> {
    const adapter = createSmtpEmail({ url, from: 'Contoso <no-reply@contoso.example>' });
    await adapter.send({
      to: 'taro@example.com',
      message: fromName === undefined ? message : { ...message, fromName },
      reference: 'ver_1:0',
    });
    await adapter.close();
    const [raw] = received;
    if (raw === undefined) throw new Error('nothing received');
    return raw;
  }

  it('sends the text and HTML parts as alternatives, from the configured sender', async () => {
    const raw = await send();
    expect(header(raw, 'Content-Type')).toMatch(/^multipart\/alternative;/);
    expect(raw).toMatch(/Content-Type: text\/plain[^\n]*\n(?:[^\n]+\n)*\n482916 is your Contoso code\./);
    expect(raw).toMatch(/Content-Type: text\/html[^\n]*\n(?:[^\n]+\n)*\n<!DOCTYPE html>/);
    expect(raw.indexOf('text/plain')).toBeLessThan(raw.indexOf('text/html'));
    expect(addressparser(header(raw, 'From') ?? '')).toEqual([
      { name: 'Contoso', address: 'no-reply@contoso.example' },
    ]);
    expect(header(raw, 'X-Sendcode-Reference')).toBe('ver_1:0');
  });

  it.each(['Acme Security', 'Acme "Secure", Inc <evil@example.com>'])(
    'uses the client’s sender name %j as the display name only',
    async (fromName) => {
      const raw = await send(fromName);
      expect(addressparser(header(raw, 'From') ?? '')).toEqual([
        { name: fromName, address: 'no-reply@contoso.example' },
      ]);
    },
  );

  it.each(['', 'not an address', 'a@example.com, b@example.com'])('refuses the From %j', (from) => {
    expect(() => createSmtpEmail({ url, from })).toThrow(/must be one email address[\s\S]*at from/);
  });

  it('accepts a bare From address', async () => {
    const adapter = createSmtpEmail({ url, from: 'no-reply@contoso.example' });
    await adapter.send({ to: 'taro@example.com', message, reference: 'ver_2:0' });
    await adapter.close();
    expect(addressparser(header(received[0] ?? '', 'From') ?? '')).toEqual([
      { name: '', address: 'no-reply@contoso.example' },
    ]);
  });
});
