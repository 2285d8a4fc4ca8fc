import { randomUUID } from 'node:crypto';
import { simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import type { SandboxContext } from '../context.ts';
import type { MessageLog } from '../messages.ts';
import { boundPort } from '../ports.ts';
import { rcptWithFaults, SessionSignals } from './faults.ts';
import { refusesPcMail } from './refusing-domains.ts';

/** A running SMTP sink. */
export interface SmtpSink {
  readonly port: number;
  close(): Promise<void>;
}

/** The reply a carrier's MX gives to mail from a PC when the subscriber refuses PC mail. */
export const CARRIER_REJECTION =
  "5.7.1 Message rejected: PC mail is refused by the recipient's carrier settings";

/**
 * An SMTP server that accepts everything except carrier mail domains and injected faults, with or
 * without AUTH, and records one message per accepted recipient. No TLS: it only ever listens on a
 * local port.
 */
export async function startSmtpSink(options: {
  host: string;
  port: number;
  context: Pick<SandboxContext, 'log' | 'faults' | 'requests'>;
}): Promise<SmtpSink> {
  const { context } = options;
  const connections = new SessionSignals();
  const server = new SMTPServer({
    name: 'sandbox.sendcode.local',
    banner: 'Sendcode sandbox SMTP sink',
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    closeTimeout: 1000,
    onAuth(_auth, _session, callback) {
      callback(null, { user: 'sandbox' });
    },
    onRcptTo(address, session, callback) {
      void rcptWithFaults(context, connections.for(session), callback, () => {
        if (refusesPcMail(address.address)) {
          callback(Object.assign(new Error(CARRIER_REJECTION), { responseCode: 550 }));
          return;
        }
        callback();
      });
    },
    onClose(session) {
      connections.closed(session);
    },
    onData(stream, session, callback) {
      record(stream, session, context.log).then(
        () => callback(),
        (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
      );
    },
  });
  // A client that vanishes mid-session (a worker killed, a connection reset) is the client's
  // problem; without this listener smtp-server would rethrow it and take the sandbox down.
  server.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  return {
    port: boundPort(server.server.address()),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function record(
  stream: SMTPServerDataStream,
  session: SMTPServerSession,
  log: MessageLog,
): Promise<void> {
  const mail = await simpleParser(stream);
  const providerMessageId = mail.messageId ?? `<${randomUUID()}@sandbox.sendcode.local>`;
  for (const recipient of session.envelope.rcptTo) {
    log.record({
      channel: 'email',
      provider: 'smtp',
      to: recipient.address,
      body: (mail.text ?? '').trim(),
      ...(mail.subject === undefined ? {} : { subject: mail.subject }),
      providerMessageId,
    });
  }
}
