import { randomUUID } from 'node:crypto';
import { simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import type { SandboxContext } from '../context.ts';
import type { MessageLog, SandboxDkimResult } from '../messages.ts';
import { boundPort } from '../ports.ts';
import { createDkimVerifier, type SandboxDkimKey } from './dkim.ts';
import { rcptWithFaults, reply, SessionSignals } from './faults.ts';
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
 * The replies of a spoofing filter (the `require_dkim` fault) to mail without a passing DKIM
 * signature: RFC 7372's 5.7.20, "no passing DKIM signature found".
 */
export const DKIM_REJECTION = {
  none: '5.7.20 Message rejected: unsigned mail is refused by the recipient’s spoofing filter',
  fail: '5.7.20 Message rejected: no DKIM signature verifies',
} as const;

/**
 * An SMTP server that accepts everything except carrier mail domains and injected faults, with or
 * without AUTH, and records one message per accepted recipient with its DKIM verdict against
 * `dkimKeys` (the only keys it knows: it has no DNS). No TLS: it only ever listens on a local port.
 */
export async function startSmtpSink(options: {
  host: string;
  port: number;
  context: Pick<SandboxContext, 'log' | 'faults' | 'requests'>;
  dkimKeys?: readonly SandboxDkimKey[];
}): Promise<SmtpSink> {
  const { context } = options;
  const connections = new SessionSignals();
  const verifyDkim = createDkimVerifier(options.dkimKeys ?? []);
  // The mail transactions a require_dkim fault hit (smtp-server gives each its own envelope). One
  // DATA reply answers for every recipient, so a demand by one of them holds for the message.
  const demandingDkim = new WeakSet<SMTPServerSession['envelope']>();
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
      void rcptWithFaults(context, connections.for(session), callback, (fault) => {
        if (refusesPcMail(address.address)) {
          callback(reply(550, CARRIER_REJECTION));
          return;
        }
        if (fault?.mode === 'require_dkim') demandingDkim.add(session.envelope);
        callback();
      });
    },
    onClose(session) {
      connections.closed(session);
    },
    onData(stream, session, callback) {
      const demands = demandingDkim.has(session.envelope);
      receive(stream, session, { log: context.log, verifyDkim, demandsDkim: demands }).then(
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

/**
 * Reads the message, judges its DKIM signatures, refuses it with a 550 when a require_dkim fault
 * asked for a passing one that is not there, and records it otherwise.
 */
async function receive(
  stream: SMTPServerDataStream,
  session: SMTPServerSession,
  sink: {
    log: MessageLog;
    verifyDkim: (raw: Buffer) => Promise<SandboxDkimResult>;
    demandsDkim: boolean;
  },
): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  const dkim = await sink.verifyDkim(raw);
  if (sink.demandsDkim && dkim !== 'pass') throw reply(550, DKIM_REJECTION[dkim]);
  const mail = await simpleParser(raw);
  const providerMessageId = mail.messageId ?? `<${randomUUID()}@sandbox.sendcode.local>`;
  for (const recipient of session.envelope.rcptTo) {
    sink.log.record({
      channel: 'email',
      provider: 'smtp',
      to: recipient.address,
      body: (mail.text ?? '').trim(),
      ...(mail.subject === undefined ? {} : { subject: mail.subject }),
      dkim,
      providerMessageId,
    });
  }
}
