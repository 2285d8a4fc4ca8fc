import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { maskDestination } from '@sendcode/policy';
import { createLogger } from '@sendcode/runtime';
import type { VerificationRecord } from '@sendcode/store';
import express, { type ErrorRequestHandler, type Express } from 'express';
import { errorHandler } from './app.ts';

/**
 * Test-only helpers for the gateway's colocated suites (not exported by the package): a piece of the
 * gateway in a small express app of its own, on an ephemeral port, reached with `fetch`.
 */

/** A logger that writes nothing. */
export const silentLogger = createLogger('gateway-test', 'silent');

/** An app listening on 127.0.0.1. */
export interface Served {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Serves an app holding what `build` mounts, then `errors` (default: the gateway's own error handler,
 * so answers have the API's wire shape), on an ephemeral port.
 */
export async function serve(
  build: (app: Express) => void,
  errors: ErrorRequestHandler = errorHandler({ logger: silentLogger }),
): Promise<Served> {
  const app = express();
  build(app);
  app.use(errors);
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** A response's JSON body, typed as the test expects it (its assertions check it). */
export async function jsonOf<T = Record<string, unknown>>(response: Response): Promise<T> {
  return (await response.json()) as T;
}

/** The `error` of an API error answer: `{"error":{"code","message","details"?}}`. */
export async function apiError(
  response: Response,
): Promise<{ code: string; message: string; details?: Record<string, unknown> }> {
  return (await jsonOf<{ error: { code: string; message: string } }>(response)).error;
}

/** Clear destinations, as a client sends them: never to be found in an answer. */
export const RAW = { email: 'taro.yamada@docomo.ne.jp', phone: '+819012345678' } as const;

/**
 * A stored verification with every field set, its plan masked from `RAW` as the engine masks it
 * (email, then SMS, then voice); override what a test cares about.
 */
export function verificationRecord(overrides: Partial<VerificationRecord> = {}): VerificationRecord {
  const t0 = Date.UTC(2026, 0, 1);
  return {
    id: 'ver_0123456789abcdef0123456789abcdef',
    client: 'acme',
    status: 'pending',
    planMasked: [
      { channel: 'email', to: maskDestination(RAW.email) },
      { channel: 'sms', to: maskDestination(RAW.phone) },
      { channel: 'voice', to: maskDestination(RAW.phone) },
    ],
    sealedCode: 'v2.kid.iv.tag.sealed-code',
    codeHash: 'c0de'.repeat(16),
    codeLength: 6,
    locale: 'ja',
    brand: 'Contoso',
    purpose: 'sign_in',
    accountRef: 'acct-42',
    ttlSeconds: 600,
    createdAt: t0,
    expiresAt: t0 + 600_000,
    updatedAt: t0 + 60_000,
    attempts: 1,
    maxAttempts: 5,
    sends: 1,
    step: 0,
    channel: 'email',
    lastSendAt: t0,
    keyId: 'kid',
    numberPrefix: '+81901',
    ...overrides,
  };
}
