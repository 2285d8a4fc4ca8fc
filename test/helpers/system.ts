import { randomBytes } from 'node:crypto';
import { gatewayEnv, type RunningGateway, startGateway } from '@sendcode/gateway';
import { createLogger, parseEnv } from '@sendcode/runtime';
import {
  dkimKeysFromEnv,
  newSandboxCredentials,
  type Sandbox,
  type SandboxMessage,
  sandboxProviderEnv,
  startSandbox,
} from '@sendcode/sandbox';
import { testRedisUrl, uniquePrefix } from '@sendcode/testing';
import { type RunningWorkers, startWorkers, workersEnv } from '@sendcode/workers';

// biome-ignore lint/suspicious/noExplicitAny: tests assert on response bodies field by field
type Json = any;

/**
 * The whole system in-process, wired exactly as `npm start` wires it (same config schemas, same
 * start functions), on ephemeral ports, against the run's own Redis and a fresh sandbox, with a key
 * prefix of its own so suites can run side by side.
 */
export interface TestSystem {
  readonly gateway: RunningGateway;
  readonly workers: RunningWorkers;
  readonly sandbox: Sandbox;
  /** An API key with scope `verify`. */
  readonly verifyKey: string;
  /** An API key with scope `support` only. */
  readonly supportKey: string;
  /** A `verify` key of a second API client, which must not see the first client's verifications. */
  readonly otherClientKey: string;
  /** Calls the gateway; `key` defaults to the verify key, `null` sends no Authorization header. */
  api(
    method: string,
    path: string,
    body?: unknown,
    key?: string | null,
  ): Promise<{ status: number; body: Json }>;
  /** Injects a sandbox fault (see apps/sandbox's POST /faults). */
  fault(spec: Record<string, unknown>): Promise<void>;
  /** The environment the system was started with (secrets included: tests sign webhooks with them). */
  readonly env: Readonly<Record<string, string>>;
  /** Waits until the sandbox holds `count` messages for `to`, and returns them. */
  messagesFor(to: string, count?: number): Promise<SandboxMessage[]>;
  close(): Promise<void>;
}

export async function startTestSystem(overrides: Record<string, string> = {}): Promise<TestSystem> {
  const credentials = newSandboxCredentials();
  const sandbox = await startSandbox({
    httpPort: 0,
    smtpPort: 0,
    vonageSignatureSecret: credentials.vonageSignatureSecret,
    receiptDelayMs: 10,
    // DKIM_* overrides sign the mail; the sandbox knows their key as `npm start`'s does.
    dkimKeys: dkimKeysFromEnv(overrides),
  });
  const verifyKey = `sk_test_verify_${randomBytes(16).toString('hex')}`;
  const supportKey = `sk_test_support_${randomBytes(16).toString('hex')}`;
  const otherClientKey = `sk_test_other_${randomBytes(16).toString('hex')}`;
  const env: Record<string, string> = {
    REDIS_URL: testRedisUrl(),
    SENDCODE_SECRET: randomBytes(32).toString('hex'),
    SENDCODE_PREFIX: uniquePrefix('sys'),
    LOG_LEVEL: 'silent',
    PORT: '0',
    WORKERS_METRICS_PORT: '0',
    SENDCODE_API_KEYS: JSON.stringify([
      { name: 'acme', key: verifyKey, scopes: ['verify'] },
      { name: 'helpdesk', key: supportKey, scopes: ['support'] },
      { name: 'globex', key: otherClientKey, scopes: ['verify'] },
    ]),
    ...sandboxProviderEnv(sandbox, credentials, 'Sendcode Test <no-reply@sendcode.test>'),
    ...overrides,
  };
  const logger = createLogger('test', 'silent');
  const gateway = await startGateway(parseEnv(gatewayEnv, env), logger);
  // Receipts go to the gateway's own (ephemeral) address unless a test says otherwise.
  const workers = await startWorkers(parseEnv(workersEnv, { PUBLIC_URL: gateway.url, ...env }), logger);

  return {
    gateway,
    workers,
    sandbox,
    verifyKey,
    supportKey,
    otherClientKey,
    env,
    async fault(spec) {
      const response = await fetch(`${sandbox.httpUrl}/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(spec),
      });
      if (response.status !== 201) throw new Error(`fault refused: ${await response.text()}`);
    },
    async api(method, path, body, key = verifyKey) {
      const headers: Record<string, string> = {};
      if (key !== null) headers.authorization = `Bearer ${key}`;
      if (body !== undefined) headers['content-type'] = 'application/json';
      const response = await fetch(`${gateway.url}${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : undefined };
    },
    async messagesFor(to, count = 1) {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const found = sandbox.messages().filter((m) => m.to === to);
        if (found.length >= count || Date.now() > deadline) return found;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    async close() {
      await workers.close();
      await gateway.close();
      await sandbox.close();
    },
  };
}
