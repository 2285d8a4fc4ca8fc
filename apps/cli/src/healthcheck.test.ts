import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freePort } from '@sendcode/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { healthcheck, healthUrls } from './healthcheck.ts';

const run = promisify(execFile);
const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));

const servers: Server[] = [];
/** A stand-in for a role: answers /healthz with `status`, or never answers. */
async function role(status: number | 'hang'): Promise<string> {
  const server = createServer((req, res) => {
    if (status !== 'hang') res.writeHead(req.url === '/healthz' ? status : 404).end();
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return String((server.address() as AddressInfo).port);
}

let healthy: string;
let failing: string;
let hanging: string;
let nobody: string;

beforeAll(async () => {
  [healthy, failing, hanging, nobody] = await Promise.all([
    role(200),
    role(503),
    role('hang'),
    freePort().then(String),
  ]);
});

afterAll(async () => {
  for (const server of servers) server.closeAllConnections();
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
});

describe('sendcode healthcheck', () => {
  it('asks the role that listens: a workers container has no gateway port', async () => {
    const result = await healthcheck({ PORT: nobody, WORKERS_METRICS_PORT: healthy, SANDBOX_PORT: nobody });
    expect(result).toEqual({ ok: true, message: `workers http://127.0.0.1:${healthy}/healthz: 200` });
  });

  it('is unhealthy when that role answers anything but 200, whatever listens after it', async () => {
    const result = await healthcheck({ PORT: failing, WORKERS_METRICS_PORT: healthy });
    expect(result).toEqual({ ok: false, message: `gateway http://127.0.0.1:${failing}/healthz: 503` });
  });

  it('is unhealthy when the role takes the connection and never answers', async () => {
    const result = await healthcheck({ PORT: hanging }, undefined, 200);
    expect(result).toEqual({
      ok: false,
      message: `gateway http://127.0.0.1:${hanging}/healthz: no answer within 200 ms`,
    });
  });

  it('is unhealthy when nothing listens, naming every place it asked', async () => {
    const env = { PORT: nobody, WORKERS_METRICS_PORT: nobody, SANDBOX_PORT: nobody };
    const result = await healthcheck(env);
    expect(result.ok).toBe(false);
    expect(result.message).toBe(`nothing listens at ${Object.values(healthUrls(env)).join(', ')}`);
  });

  it('asks only the role it is given', async () => {
    expect((await healthcheck({ PORT: failing, SANDBOX_PORT: healthy }, ['sandbox'])).ok).toBe(true);
  });

  it('reaches a wildcard bind address on loopback, any other where it listens', () => {
    const urls = healthUrls({ HOST: '0.0.0.0', WORKERS_HOST: '::', SANDBOX_HOST: '10.0.0.7' });
    expect(urls).toEqual({
      gateway: 'http://127.0.0.1:8080/healthz',
      workers: 'http://127.0.0.1:9464/healthz',
      sandbox: 'http://10.0.0.7:4010/healthz',
    });
    expect(healthUrls({ HOST: '::1' }).gateway).toBe('http://[::1]:8080/healthz');
  });

  it('runs as `sendcode healthcheck`, exiting 0 when healthy and 1 when not', async () => {
    const cli = (env: Record<string, string>) =>
      run(process.execPath, ['--conditions=source', '--import', 'tsx', MAIN, 'healthcheck'], {
        env: { ...process.env, PORT: nobody, WORKERS_METRICS_PORT: nobody, SANDBOX_PORT: nobody, ...env },
      }).then(
        ({ stdout }) => ({ code: 0, stdout }),
        (error: { code: number; stdout: string }) => error,
      );
    expect(await cli({ SANDBOX_PORT: healthy })).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/^healthy: sandbox/),
    });
    expect(await cli({ PORT: failing })).toMatchObject({
      code: 1,
      stdout: expect.stringMatching(/^unhealthy: gateway .*: 503/),
    });
  });
});
