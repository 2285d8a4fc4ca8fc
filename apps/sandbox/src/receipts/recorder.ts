import { createServer, type IncomingHttpHeaders } from 'node:http';
import { boundPort } from '../ports.ts';

/** One request a callback URL received. */
export interface RecordedCallback {
  /** Path and query, as sent. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** A local HTTP server standing in for the gateway's webhook endpoints, in tests. */
export interface CallbackRecorder {
  /** e.g. `http://127.0.0.1:50123`. */
  readonly url: string;
  readonly received: readonly RecordedCallback[];
  /** The status every request is answered with (default 204). */
  answerWith(status: number): void;
  /** Forgets what was received. */
  forget(): void;
  close(): Promise<void>;
}

/** Starts a server that records every request and answers it with a fixed status. */
export async function startCallbackRecorder(): Promise<CallbackRecorder> {
  const received: RecordedCallback[] = [];
  let status = 204;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${boundPort(server.address())}`,
    received,
    answerWith(next) {
      status = next;
    },
    forget() {
      received.length = 0;
    },
    close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      return closed;
    },
  };
}
