import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freePort, type RedisServer, startRedisServer } from '@sendcode/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diagnose, doctor } from './doctor.ts';

const run = promisify(execFile);
const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));

let healthy: RedisServer;
let evicting: RedisServer;
let gateway: Server;
let gatewayUrl: string;

beforeAll(async () => {
  healthy = await startRedisServer(['--appendonly', 'yes', '--maxmemory-policy', 'noeviction']);
  evicting = await startRedisServer(['--appendonly', 'yes', '--maxmemory-policy', 'allkeys-lru']);
  // Stands in for a running gateway at PUBLIC_URL: the doctor only asks its /healthz.
  gateway = createServer((req, res) => res.writeHead(req.url === '/healthz' ? 200 : 404).end());
  await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
  gatewayUrl = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await Promise.all([healthy.stop(), evicting.stop()]);
  await new Promise((resolve) => gateway.close(resolve));
});

/** A configuration both roles accept, with SMTP only (the warnings name SMS and voice). */
function env(overrides: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  return {
    REDIS_URL: healthy.url,
    SENDCODE_SECRET: 's'.repeat(40),
    SENDCODE_API_KEYS: JSON.stringify([{ name: 'acme', key: 'k'.repeat(32), scopes: ['verify'] }]),
    SMTP_URL: 'smtp://127.0.0.1:2525',
    MAIL_FROM: 'codes@example.com',
    ...overrides,
  };
}

/** Polls `server` until `count` replicas are connected to it. */
async function waitForReplicas(server: RedisServer, count: number) {
  for (const deadline = Date.now() + 10_000; Date.now() < deadline; ) {
    const { stdout } = await run('redis-cli', ['-p', String(server.port), 'info', 'replication']);
    if (Number(/connected_slaves:(\d+)/.exec(stdout)?.[1]) >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`fewer than ${count} replicas connected`);
}

const errors = (findings: { severity: string; what: string }[]) =>
  findings.filter((finding) => finding.severity !== 'warning').map((finding) => finding.what);

describe('sendcode doctor', () => {
  it('passes a right configuration, warning about channels nothing can send on', async () => {
    const findings = await diagnose(env({ PUBLIC_URL: gatewayUrl }));
    expect(errors(findings)).toEqual([]);
    expect(findings.map((finding) => finding.message)).toEqual([
      expect.stringContaining('no sms provider'),
      expect.stringContaining('no voice provider'),
    ]);
    const lines: string[] = [];
    expect(await doctor(env({ PUBLIC_URL: gatewayUrl }), (line) => lines.push(line))).toBe(0);
    expect(lines.at(-1)).toBe('sendcode doctor: 0 problems, 2 warnings.');
  });

  it('names an evicting Redis as fatal and exits 1', async () => {
    const lines: string[] = [];
    expect(await doctor(env({ REDIS_URL: evicting.url }), (line) => lines.push(line))).toBe(1);
    expect(lines.join('\n')).toMatch(/✗ fatal {3}Redis: Redis has maxmemory-policy allkeys-lru.*noeviction/);
  });

  it('names each bad variable once, with the roles that refuse it, and never its value', async () => {
    const findings = await diagnose(
      env({ SENDCODE_SECRET: 'short-secret-value', SENDCODE_API_KEYS: undefined }),
    );
    expect(findings).toContainEqual({
      severity: 'error',
      what: 'SENDCODE_SECRET',
      message: expect.stringContaining('the gateway and workers refuse to start'),
    });
    expect(findings).toContainEqual(expect.objectContaining({ what: 'SENDCODE_API_KEYS' }));
    const unset = await diagnose(env({ SENDCODE_SECRET: undefined }));
    expect(unset).toContainEqual({
      severity: 'error',
      what: 'SENDCODE_SECRET',
      message: 'is not set (the gateway and workers refuse to start)',
    });
    expect(findings.filter((finding) => finding.what === 'SENDCODE_SECRET')).toHaveLength(1);
    expect(JSON.stringify(findings)).not.toContain('short-secret-value');
  });

  it('with durable accept asked for, names a master with fewer replicas connected than REDIS_WAIT_REPLICAS', async () => {
    const replica = await startRedisServer(['--replicaof', '127.0.0.1', String(healthy.port)]);
    try {
      await waitForReplicas(healthy, 1);
      expect(errors(await diagnose(env({ REDIS_WAIT_REPLICAS: '1' })))).toEqual([]);
      const two = await diagnose(env({ REDIS_WAIT_REPLICAS: '2' }));
      expect(two.find((finding) => finding.what === 'REDIS_WAIT_REPLICAS')?.message).toContain(
        '1 replica connected, fewer than the 2 asked for',
      );
    } finally {
      await replica.stop();
    }
  });

  it('checks one role only when asked', async () => {
    const findings = await diagnose(env({ SENDCODE_API_KEYS: undefined }), ['workers']);
    expect(errors(findings)).toEqual([]);
  });

  it('finds a half-configured provider', async () => {
    const findings = await diagnose(env({ TWILIO_ACCOUNT_SID: 'AC123', TWILIO_FROM: '+15005550006' }));
    expect(findings).toContainEqual({
      severity: 'error',
      what: 'providers',
      message: expect.stringMatching(/TWILIO_AUTH_TOKEN: required with TWILIO_ACCOUNT_SID.*workers refuse/),
    });
  });

  it('finds a Redis it cannot reach, and a PUBLIC_URL that does not answer', async () => {
    const nobody = await freePort();
    const findings = await diagnose(
      env({ REDIS_URL: `redis://127.0.0.1:${nobody}`, PUBLIC_URL: `http://127.0.0.1:${nobody}` }),
    );
    expect(findings).toContainEqual(
      expect.objectContaining({
        severity: 'error',
        what: 'Redis',
        message: expect.stringContaining(`127.0.0.1:${nobody}`),
      }),
    );
    expect(findings).toContainEqual(
      expect.objectContaining({
        severity: 'error',
        what: 'PUBLIC_URL',
        message: expect.stringContaining('receipt'),
      }),
    );
  });

  it('runs as `sendcode doctor`, exiting 1 on an evicting Redis', async () => {
    const failed = await run(process.execPath, ['--conditions=source', '--import', 'tsx', MAIN, 'doctor'], {
      env: { ...process.env, ...env({ REDIS_URL: evicting.url }) },
    }).catch((error: { code: number; stdout: string }) => error);
    expect('code' in failed && failed.code).toBe(1);
    expect(failed.stdout).toContain('maxmemory-policy allkeys-lru');
  });
});
