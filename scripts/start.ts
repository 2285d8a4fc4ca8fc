/**
 * `npm start`: the whole system on one machine. Starts a local redis-server (unless REDIS_URL is
 * set), the provider sandbox (unless provider credentials are set), the gateway and the workers, each
 * as a child process; prints where everything is; stops them all on Ctrl-C / SIGTERM. With the
 * sandbox and no DKIM_* of its own, mail is signed with a demo key kept in .data (never with real
 * providers: a real sending domain publishes its own key).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { optionalString, parseEnv, port } from '@sendcode/runtime';
import { newPrivateKey, sandboxProviderEnv } from '@sendcode/sandbox';
import { z } from 'zod';

const env = parseEnv(
  z.object({
    PORT: port(8080),
    SANDBOX_PORT: port(4010),
    SANDBOX_SMTP_PORT: port(2525),
    WORKERS_METRICS_PORT: port(9464),
    /** Port of the redis-server `npm start` runs when REDIS_URL is unset (not 6379, to stay clear of a system Redis). */
    REDIS_PORT: port(6390),
    REDIS_URL: optionalString,
    SENDCODE_DATA_DIR: z.string().default('.data'),
    SENDCODE_SECRET: optionalString,
    SENDCODE_API_KEYS: optionalString,
    SMTP_URL: optionalString,
    TWILIO_ACCOUNT_SID: optionalString,
    VONAGE_API_KEY: optionalString,
    DKIM_DOMAIN: optionalString,
    DKIM_SELECTOR: optionalString,
    DKIM_PRIVATE_KEY: optionalString,
  }),
);

const dataDir = resolve(env.SENDCODE_DATA_DIR);
mkdirSync(dataDir, { recursive: true, mode: 0o700 });

/** Reads a file under .data, creating it with `make()` the first time. */
function kept(name: string, make: () => string): string {
  const path = resolve(dataDir, name);
  if (!existsSync(path)) writeFileSync(path, make(), { mode: 0o600 });
  return readFileSync(path, 'utf8').trim();
}

const children: { name: string; child: ChildProcess }[] = [];
let stopping = false;

function run(name: string, args: string[], childEnv: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(args[0] ?? '', args.slice(1), {
    env: childEnv,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  children.push({ name, child });
  child.once('exit', (code, signal) => {
    if (stopping) return;
    console.error(`sendcode: ${name} exited (${signal ?? code}); stopping everything.`);
    void stop(1);
  });
  return child;
}

const tsx = (entry: string) => [process.execPath, '--conditions=source', '--import', 'tsx', resolve(entry)];

async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`${what} did not come up within ${timeoutMs / 1000} s`);
}

const httpOk = (url: string) => async () => (await fetch(url, { signal: AbortSignal.timeout(2_000) })).ok;

async function stop(code: number) {
  if (stopping) return;
  stopping = true;
  // Apps first, so they finish their work while Redis is still there; Redis last (it flushes its AOF).
  for (const group of [
    children.filter((c) => c.name !== 'redis'),
    children.filter((c) => c.name === 'redis'),
  ]) {
    await Promise.all(
      group.map(
        ({ child }) =>
          new Promise<void>((done) => {
            if (child.exitCode !== null || child.signalCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
            setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
          }),
      ),
    );
  }
  process.exit(code);
}
process.once('SIGINT', () => void stop(0));
process.once('SIGTERM', () => void stop(0));

async function main() {
  const secret = env.SENDCODE_SECRET ?? kept('secret', () => randomBytes(32).toString('base64url'));
  const demoKey = env.SENDCODE_API_KEYS
    ? undefined
    : kept('demo-api-key', () => `sk_demo_${randomBytes(24).toString('base64url')}`);
  const apiKeys =
    env.SENDCODE_API_KEYS ?? JSON.stringify([{ name: 'demo', key: demoKey, scopes: ['verify', 'support'] }]);
  const base: NodeJS.ProcessEnv = { ...process.env, SENDCODE_SECRET: secret, SENDCODE_API_KEYS: apiKeys };

  let redisUrl = env.REDIS_URL;
  if (!redisUrl) {
    const dir = resolve(dataDir, 'redis');
    mkdirSync(dir, { recursive: true });
    redisUrl = `redis://127.0.0.1:${env.REDIS_PORT}`;
    const redis = run(
      'redis',
      [
        'redis-server',
        '--port',
        String(env.REDIS_PORT),
        '--bind',
        '127.0.0.1',
        '--dir',
        dir,
        '--appendonly',
        'yes',
        '--appendfsync',
        'everysec',
        '--save',
        '',
        '--loglevel',
        'warning',
        '--logfile',
        resolve(dir, 'redis.log'),
      ],
      process.env,
    );
    redis.once('error', (error) => {
      console.error(`sendcode: could not start redis-server: ${error.message}`);
      void stop(1);
    });
    const { Redis } = await import('ioredis');
    await waitFor(`redis-server (see ${resolve(dir, 'redis.log')})`, async () => {
      const client = new Redis(redisUrl as string, { lazyConnect: true, retryStrategy: () => null });
      try {
        await client.connect();
        return (await client.ping()) === 'PONG';
      } finally {
        client.disconnect();
      }
    });
  }
  base.REDIS_URL = redisUrl;

  const gatewayUrl = `http://127.0.0.1:${env.PORT}`;
  // Where providers post receipts; the sandbox posts them to this gateway.
  base.PUBLIC_URL = process.env.PUBLIC_URL || gatewayUrl;

  const useSandbox = !env.SMTP_URL && !env.TWILIO_ACCOUNT_SID && !env.VONAGE_API_KEY;
  // The demo signs its mail, so the sandbox shows what a receiver checks: "dkim": "pass".
  const demoDkim = useSandbox && !env.DKIM_DOMAIN && !env.DKIM_SELECTOR && !env.DKIM_PRIVATE_KEY;
  const sandboxUrl = `http://127.0.0.1:${env.SANDBOX_PORT}`;
  if (useSandbox) {
    base.VONAGE_SIGNATURE_SECRET = kept('vonage-sandbox-signature-secret', () =>
      randomBytes(24).toString('hex'),
    );
    if (demoDkim) {
      kept('dkim-demo.key', newPrivateKey);
      Object.assign(base, {
        // The domain of the sandbox's MAIL_FROM (sandboxProviderEnv); the workers warn if they part.
        DKIM_DOMAIN: 'sendcode.localhost',
        DKIM_SELECTOR: 'sendcode-demo',
        DKIM_PRIVATE_KEY: resolve(dataDir, 'dkim-demo.key'),
      });
    }
    run('sandbox', tsx('apps/sandbox/src/main.ts'), base);
    await waitFor('sandbox', httpOk(`${sandboxUrl}/healthz`));
    Object.assign(
      base,
      sandboxProviderEnv(
        { httpUrl: sandboxUrl, smtpPort: env.SANDBOX_SMTP_PORT },
        {
          twilioAuthToken: kept('twilio-sandbox-auth-token', () => randomBytes(16).toString('hex')),
          vonageApplicationId: kept('vonage-sandbox-app-id', () => randomUUID()),
          vonagePrivateKey: kept('vonage-sandbox.key', newPrivateKey),
          vonageSignatureSecret: base.VONAGE_SIGNATURE_SECRET ?? '',
        },
      ),
    );
  }

  run('workers', tsx('apps/workers/src/main.ts'), base);
  run('gateway', tsx('apps/gateway/src/main.ts'), base);
  await waitFor('gateway', httpOk(`${gatewayUrl}/readyz`));
  await waitFor('workers', httpOk(`http://127.0.0.1:${env.WORKERS_METRICS_PORT}/healthz`));

  console.log(
    [
      '',
      'Sendcode is running.',
      `  gateway          ${gatewayUrl}   (metrics: ${gatewayUrl}/metrics)`,
      `  workers metrics  http://127.0.0.1:${env.WORKERS_METRICS_PORT}/metrics`,
      useSandbox
        ? `  sandbox          ${sandboxUrl}/messages   (SMTP on 127.0.0.1:${env.SANDBOX_SMTP_PORT})`
        : '  providers        as configured (no sandbox)',
      `  redis            ${redisUrl.replace(/\/\/[^@]*@/, '//***@')}`,
      ...(demoDkim
        ? [`  DKIM             demo key ${resolve(dataDir, 'dkim-demo.key')} (sendcode-demo)`]
        : []),
      demoKey ? `  demo API key     ${demoKey}` : '  API keys         from SENDCODE_API_KEYS',
      '',
      demoKey ? `  export SENDCODE_KEY=${demoKey}` : '',
      'Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  console.error(`sendcode: ${error instanceof Error ? error.message : String(error)}`);
  void stop(1);
});
