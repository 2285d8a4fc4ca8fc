import { createServer } from 'node:http';
import type { SandboxContext } from './context.ts';
import { FaultBook } from './faults/book.ts';
import type { Fault, FaultSpec } from './faults/fault.ts';
import { createHttpApp } from './http.ts';
import { MessageLog, type SandboxMessage } from './messages.ts';
import { boundPort } from './ports.ts';
import { ReceiptDispatcher } from './receipts/dispatcher.ts';
import { RequestCounter, type SandboxRequestCounts } from './requests.ts';
import type { SandboxDkimKey } from './smtp/dkim.ts';
import { startSmtpSink } from './smtp/sink.ts';

export type { Fault, FaultMode, FaultSpec } from './faults/fault.ts';
export { FAULT_MODES } from './faults/fault.ts';
export type {
  SandboxChannel,
  SandboxDeliveryStatus,
  SandboxDkimResult,
  SandboxMessage,
  SandboxProvider,
} from './messages.ts';
export { normaliseDestination, parseCode } from './messages.ts';
export {
  newPrivateKey,
  newSandboxCredentials,
  type SandboxCredentials,
  sandboxProviderEnv,
} from './provider-env.ts';
export type { SandboxEndpoint, SandboxRequestCounts } from './requests.ts';
export { dkimKeysFromEnv, dkimTxtRecord, type SandboxDkimKey } from './smtp/dkim.ts';

/**
 * The Vonage signature secret the sandbox signs receipts with unless told otherwise: long enough for
 * the gateway, which refuses signature secrets under 32 characters.
 */
export const DEFAULT_VONAGE_SIGNATURE_SECRET = 'sandbox-vonage-signature-secret-not-for-production';

/** Where to listen, and how receipts are sent. Port 0 asks for an ephemeral port (what tests use). */
export interface SandboxOptions {
  /** Default `127.0.0.1`. */
  readonly host?: string;
  /** Default 0. */
  readonly httpPort?: number;
  /** Default 0. */
  readonly smtpPort?: number;
  /** How long after accepting a message, and between two receipts, the next receipt goes. Default 50. */
  readonly receiptDelayMs?: number;
  /** Signs Vonage SMS DLRs (`sig`, SHA-256 HMAC) and voice event JWTs (HS256). */
  readonly vonageSignatureSecret?: string;
  /**
   * The DKIM keys the SMTP sink verifies signatures with, as if their TXT records were published.
   * Default none: every signature then fails.
   */
  readonly dkimKeys?: readonly SandboxDkimKey[];
}

/** A running sandbox: one HTTP port for the Twilio and Vonage APIs, one SMTP port. */
export interface Sandbox {
  /** e.g. `http://127.0.0.1:4010` — the Twilio base URL and the Vonage REST and API host. */
  readonly httpUrl: string;
  readonly smtpPort: number;
  /** Everything accepted so far, newest last. */
  messages(): readonly SandboxMessage[];
  /** How many calls each provider API received, faulted or not, since the last `clear()`. */
  requests(): SandboxRequestCounts;
  /** Forgets the messages and the request counts (not the faults). */
  clear(): void;
  /** Adds a fault (as `POST /faults` does); throws a ZodError when the spec is invalid. */
  addFault(spec: FaultSpec): Fault;
  /** The active faults, with the hits left on counted ones. */
  faults(): readonly Fault[];
  clearFaults(): void;
  /** Resolves once every receipt due so far has been sent. */
  receiptsSettled(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts the local provider sandbox: an SMTP sink plus Twilio- and Vonage-compatible HTTP APIs that
 * the real SDKs talk to, all recording into one in-memory message log, with injectable faults and
 * signed receipts sent to the status callback URLs the clients give.
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const host = options.host ?? '127.0.0.1';
  const log = new MessageLog();
  const context: SandboxContext = {
    log,
    faults: new FaultBook(),
    requests: new RequestCounter(),
    receipts: new ReceiptDispatcher(log, { delayMs: options.receiptDelayMs ?? 50 }),
    vonageSignatureSecret: options.vonageSignatureSecret ?? DEFAULT_VONAGE_SIGNATURE_SECRET,
  };
  const smtp = await startSmtpSink({
    host,
    port: options.smtpPort ?? 0,
    context,
    dkimKeys: options.dkimKeys ?? [],
  });
  const http = createServer(createHttpApp(context));
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
    requests: () => context.requests.snapshot(),
    clear() {
      log.clear();
      context.requests.reset();
    },
    addFault: (spec) => context.faults.add(spec),
    faults: () => context.faults.list(),
    clearFaults: () => context.faults.clear(),
    receiptsSettled: () => context.receipts.settled(),
    async close() {
      const httpClosed = new Promise<void>((resolve) => http.close(() => resolve()));
      http.closeAllConnections();
      await Promise.all([httpClosed, smtp.close(), context.receipts.close()]);
    },
  };
}
