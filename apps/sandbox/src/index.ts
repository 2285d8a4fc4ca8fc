import { createServer } from 'node:http';
import { createHttpApp } from './http.ts';
import { MessageLog, type SandboxMessage } from './messages.ts';
import { boundPort } from './ports.ts';
import { startSmtpSink } from './smtp/sink.ts';

export type { SandboxChannel, SandboxMessage, SandboxProvider } from './messages.ts';
export { normaliseDestination, parseCode } from './messages.ts';

/** Where to listen. Port 0 asks for an ephemeral port (what tests use). */
export interface SandboxOptions {
  /** Default `127.0.0.1`. */
  readonly host?: string;
  /** Default 0. */
  readonly httpPort?: number;
  /** Default 0. */
  readonly smtpPort?: number;
}

/** A running sandbox: one HTTP port for the Twilio and Vonage APIs, one SMTP port. */
export interface Sandbox {
  /** e.g. `http://127.0.0.1:4010` — the Twilio base URL and the Vonage REST and API host. */
  readonly httpUrl: string;
  readonly smtpPort: number;
  /** Everything accepted so far, newest last. */
  messages(): readonly SandboxMessage[];
  clear(): void;
  close(): Promise<void>;
}

/**
 * Starts the local provider sandbox: an SMTP sink plus Twilio- and Vonage-compatible HTTP APIs that
 * the real SDKs talk to, all recording into one in-memory message log.
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const host = options.host ?? '127.0.0.1';
  const log = new MessageLog();
  const smtp = await startSmtpSink({ host, port: options.smtpPort ?? 0, log });
  const http = createServer(createHttpApp(log));
  try {
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(options.httpPort ?? 0, host, () => resolve());
    });
  } catch (error) {
    await smtp.close();
    throw error;
  }
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    httpUrl: `http://${urlHost}:${boundPort(http.address())}`,
    smtpPort: smtp.port,
    messages: () => log.list(),
    clear: () => log.clear(),
    async close() {
      const httpClosed = new Promise<void>((resolve) => http.close(() => resolve()));
      http.closeAllConnections();
      await Promise.all([httpClosed, smtp.close()]);
    },
  };
}
