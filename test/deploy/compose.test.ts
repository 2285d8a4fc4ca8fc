import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { SandboxMessage } from '@sendcode/sandbox';
import { freePort } from '@sendcode/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tallyMessages } from '../helpers/tally.ts';

/**
 * compose.yaml as an operator runs it, with podman-compose and the image `npm run test:deploy`
 * builds (scripts/test-deploy.sh): Redis, the gateway, two workers and the sandbox in a project of
 * its own, published on 127.0.0.1 only; tested from outside through the published ports, the
 * containers' exit codes, logs and HEALTHCHECKs. Everything is torn down at the end, even on failure.
 */
const IMAGE = process.env.SENDCODE_IMAGE ?? 'localhost/sendcode:test';
const REDIS_IMAGE = process.env.REDIS_IMAGE ?? 'localhost/sendcode-redis:7';
const PROMETHEUS_IMAGE = process.env.PROMETHEUS_IMAGE ?? 'localhost/sendcode-prometheus:test';
// Unique on a machine whose podman other runs share; the directory is this checkout's own.
const PROJECT = `sendcode-deploy-${process.pid}-${randomBytes(3).toString('hex')}`;
const DIR = resolve('.data/deploy/compose');
const NETWORK = `${PROJECT}_default`;
const container = (service: string, n = 1) => `${PROJECT}_${service}_${n}`;

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to its end, never throwing: its exit code (1 when it could not start) and output. */
function run(command: string, args: readonly string[], env = process.env): Promise<Run> {
  return new Promise((done) => {
    execFile(command, args, { env, timeout: 120_000, maxBuffer: 64 << 20 }, (error, stdout, stderr) =>
      done({ code: error ? Number(error.code ?? 1) || 1 : 0, stdout, stderr }),
    );
  });
}
const podman = (...args: string[]) => run('podman', args);
/** podman-compose in the project directory, with the variables compose.yaml is interpolated with. */
const compose = (...args: string[]) =>
  run('podman-compose', ['-f', resolve(DIR, 'compose.yaml'), '-p', PROJECT, ...args], composeEnv);

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const figures: string[] = [];

let composeEnv: NodeJS.ProcessEnv | undefined;
let gateway: string;
let sandbox: string;
let prometheus: string;
let apiKey: string;
let dotenv = '';

async function api(method: string, path: string, body?: unknown) {
  const response = await fetch(`${gateway}${path}`, {
    method,
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const messages = async (to?: string) =>
  (await (
    await fetch(`${sandbox}/messages${to === undefined ? '' : `?to=${encodeURIComponent(to)}`}`)
  ).json()) as SandboxMessage[];

beforeAll(async () => {
  const image = await podman('image', 'exists', IMAGE);
  if (image.code !== 0) throw new Error(`no image ${IMAGE}: run \`npm run test:deploy\`, which builds it`);

  // A project directory of its own: the repository's compose files and a fresh .env, so a
  // developer's own .env is never read nor overwritten.
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(resolve(DIR, 'deploy'), { recursive: true });
  cpSync('compose.yaml', resolve(DIR, 'compose.yaml'));
  cpSync('deploy/compose', resolve(DIR, 'deploy/compose'), { recursive: true });
  cpSync('grafana', resolve(DIR, 'grafana'), { recursive: true });
  const env = await run(resolve('deploy/compose/new-env.sh'), ['--sandbox']);
  expect(env.code, env.stderr).toBe(0);
  dotenv = resolve(DIR, '.env');
  writeFileSync(dotenv, env.stdout, { mode: 0o600 });
  apiKey = /^SENDCODE_API_KEYS=.*"key":"([^"]+)"/m.exec(env.stdout)?.[1] ?? '';

  const [gatewayPort, sandboxPort, prometheusPort] = await Promise.all([freePort(), freePort(), freePort()]);
  gateway = `http://127.0.0.1:${gatewayPort}`;
  sandbox = `http://127.0.0.1:${sandboxPort}`;
  prometheus = `http://127.0.0.1:${prometheusPort}`;
  composeEnv = {
    ...process.env,
    SENDCODE_IMAGE: IMAGE,
    REDIS_IMAGE,
    PROMETHEUS_IMAGE,
    // `--scale workers=2` for podman-compose, which reads only deploy.replicas.
    WORKERS_REPLICAS: '2',
    GATEWAY_PUBLISH: `127.0.0.1:${gatewayPort}`,
    SANDBOX_PUBLISH: `127.0.0.1:${sandboxPort}`,
    PROMETHEUS_PUBLISH: `127.0.0.1:${prometheusPort}`,
  };

  const started = Date.now();
  // podman-compose reads no profiles: the services are named, those of `sandbox` and `monitoring` too.
  const up = await compose('up', '-d', '--no-build', 'redis', 'gateway', 'workers', 'sandbox', 'prometheus');
  expect(up.code, up.stdout + up.stderr).toBe(0);
  await waitFor('gateway /readyz', async () => ((await fetch(`${gateway}/readyz`)).ok ? true : undefined));
  const ready = Date.now() - started;
  for (const name of [container('workers', 1), container('workers', 2), container('sandbox')]) {
    await waitFor(`${name} healthy`, async () =>
      (await podman('healthcheck', 'run', name)).code === 0 ? true : undefined,
    );
  }
  figures.push(
    `up → gateway ready ${seconds(ready)}, two workers and the sandbox healthy ${seconds(Date.now() - started)}`,
  );
}, 180_000);

afterAll(async () => {
  // Logs first (kept in .data/deploy/compose/logs), then down with the same variables as up (so it
  // names both workers), then whatever podman-compose leaves: containers, the network, volumes.
  const listed = await podman(
    'ps',
    '-a',
    '--filter',
    `label=io.podman.compose.project=${PROJECT}`,
    '--format',
    '{{.Names}}',
  );
  mkdirSync(resolve(DIR, 'logs'), { recursive: true });
  for (const name of listed.stdout.split('\n').filter(Boolean)) {
    const logs = await podman('logs', name);
    writeFileSync(resolve(DIR, 'logs', `${name}.log`), logs.stdout + logs.stderr);
  }
  if (composeEnv !== undefined) await compose('down', '-v');
  const left = await podman('ps', '-aq', '--filter', `label=io.podman.compose.project=${PROJECT}`);
  const ids = left.stdout.split('\n').filter(Boolean);
  if (ids.length > 0) await podman('rm', '-f', ...ids);
  await podman('network', 'rm', '-f', NETWORK);
  const volumes = await podman(
    'volume',
    'ls',
    '-q',
    '--filter',
    `label=io.podman.compose.project=${PROJECT}`,
  );
  for (const volume of volumes.stdout.split('\n').filter(Boolean)) await podman('volume', 'rm', '-f', volume);
  if (dotenv) rmSync(dotenv, { force: true });
  const bytes = Number(process.env.SENDCODE_IMAGE_BYTES);
  if (bytes > 0)
    figures.unshift(`image ${(bytes / 1e6).toFixed(0)} MB, built in ${process.env.SENDCODE_BUILD_SECONDS} s`);
  console.log(figures.map((line) => `deploy: ${line}`).join('\n'));
}, 120_000);

describe('the image', () => {
  it('runs as uid 10001 with a HEALTHCHECK, `sendcode gateway` by default', async () => {
    const inspect = await podman('image', 'inspect', IMAGE);
    const [image] = JSON.parse(inspect.stdout) as {
      Config: Record<string, unknown>;
      Healthcheck?: unknown;
    }[];
    expect(image?.Config).toMatchObject({
      User: '10001:10001',
      Entrypoint: ['node', '/app/apps/cli/bin/sendcode.js'],
      Cmd: ['gateway'],
    });
    // Kept only in the docker format (podman build --format docker): OCI images have no HEALTHCHECK.
    expect(image?.Healthcheck).toMatchObject({
      Test: ['CMD', 'node', '/app/apps/cli/bin/sendcode.js', 'healthcheck'],
    });
    expect(image?.Config.Env).toEqual(
      expect.arrayContaining(['NODE_ENV=production', 'HOST=0.0.0.0', 'WORKERS_HOST=0.0.0.0']),
    );
  });

  it('holds production dependencies only, and no sources', async () => {
    const listing = await podman(
      'run',
      '--rm',
      '--entrypoint',
      'sh',
      IMAGE,
      '-c',
      'ls /app/node_modules /app/node_modules/@*; ls -d /app/packages/*/src /app/apps/*/src 2>/dev/null; true',
    );
    const names = listing.stdout.split('\n');
    for (const dev of ['vitest', 'tsx', 'typescript', 'biome', 'playwright-core', 'fast-check', 'testing']) {
      expect(names, dev).not.toContain(dev);
    }
    expect(names).toEqual(expect.arrayContaining(['bullmq', 'ioredis', 'express', 'gateway', 'workers']));
    expect(names.filter((name) => name.endsWith('/src'))).toEqual([]);
  });

  it('stops at once on SIGTERM with no Redis to reach (the gateway still starting, the workers idle)', async () => {
    for (const role of ['gateway', 'workers']) {
      const name = container(`${role}-without-redis`);
      await podman(
        'run',
        '-d',
        '--name',
        name,
        '--label',
        `io.podman.compose.project=${PROJECT}`,
        '--env-file',
        dotenv,
        '-e',
        'REDIS_URL=redis://127.0.0.1:6399',
        IMAGE,
        role,
      );
      // It is up and trying Redis once it says so (ioredis' errors, or the workers' warnings).
      await waitFor(`${role} trying Redis`, async () =>
        /ECONNREFUSED/.test(Object.values(await podman('logs', name)).join('')) ? true : undefined,
      );
      const started = Date.now();
      await podman('stop', name);
      const ms = Date.now() - started;
      const inspect = await podman('inspect', name, '--format', '{{.State.ExitCode}}');
      await podman('rm', '-f', name);
      expect(inspect.stdout.trim(), role).toBe('0');
      expect(ms, role).toBeLessThan(5_000);
    }
  });
});

describe('compose.yaml: Redis, gateway, two workers and the sandbox', () => {
  it('every container is healthy by its HEALTHCHECK, the gateway and Redis too', async () => {
    for (const name of [container('gateway'), container('redis')]) {
      expect((await podman('healthcheck', 'run', name)).code, name).toBe(0);
    }
    const health = await podman(
      'exec',
      container('workers', 2),
      'node',
      '/app/apps/cli/bin/sendcode.js',
      'healthcheck',
    );
    expect(health.stdout).toMatch(/^healthy: workers http:\/\/127\.0\.0\.1:9464\/healthz: 200/);
  });

  it('sends a code through the gateway, the sandbox gets it, the check approves it', async () => {
    for (const to of ['taro@example.com', '+819012345678']) {
      const started = await api('POST', '/v1/verifications', { to });
      expect(started.status).toBe(201);
      const [message] = await waitFor(`a message to ${to}`, async () => {
        const got = await messages(to);
        return got.length > 0 ? got : undefined;
      });
      const checked = await api('POST', `/v1/verifications/${started.body.id}/checks`, {
        code: message?.code,
      });
      expect(checked.body).toMatchObject({ valid: true, status: 'approved' });
    }
  });

  it('the SMS went to Twilio at http://sandbox:4010, its receipt came back to http://gateway:8080', async () => {
    // PROVIDER_PLAIN_HTTP_HOSTS lets the workers reach the sandbox over plain http; PUBLIC_URL is
    // where the sandbox posts the signed receipt, which the gateway verifies and records.
    const started = await api('POST', '/v1/verifications', { to: '+819012345679' });
    const timeline = await waitFor('the delivered receipt', async () => {
      const { body } = await api('GET', `/v1/verifications/${started.body.id}`);
      const events = body.timeline as { type: string; provider?: string }[];
      return events.some((event) => event.type === 'delivered') ? events : undefined;
    });
    expect(timeline).toContainEqual(expect.objectContaining({ type: 'delivered', provider: 'twilio' }));
  });

  it('Prometheus (profile monitoring) finds and scrapes the gateway and both workers', async () => {
    const targets = await waitFor(
      'every target up',
      async () => {
        const answer = (await (await fetch(`${prometheus}/api/v1/targets`)).json()) as {
          data: { activeTargets: { labels: { job: string }; health: string }[] };
        };
        const up = answer.data.activeTargets.filter((target) => target.health === 'up');
        return up.length === 3 ? up.map((target) => target.labels.job).sort() : undefined;
      },
      60_000,
    );
    expect(targets).toEqual(['sendcode-gateway', 'sendcode-workers', 'sendcode-workers']);
  });

  it('a worker stopped with SIGTERM under load exits 0 at once; every verification is delivered once', async () => {
    const N = 200;
    const destinations = Array.from({ length: N }, (_, i) => `load${i}@example.com`);
    const statuses: number[] = [];
    let stopping: Promise<{ ms: number; sends: number }> | undefined;
    // 200 starts over ten seconds, in waves of ten; the second worker is stopped four seconds in.
    for (let wave = 0; wave < N / 10; wave += 1) {
      const answers = await Promise.all(
        destinations.slice(wave * 10, wave * 10 + 10).map((to) => api('POST', '/v1/verifications', { to })),
      );
      statuses.push(...answers.map((answer) => answer.status));
      if (wave === 8) stopping = stopWorker(container('workers', 2));
      await new Promise((r) => setTimeout(r, 500));
    }
    const stopped = await stopping;
    expect(statuses.filter((status) => status !== 201)).toEqual([]);

    const inspect = await podman('inspect', container('workers', 2), '--format', '{{.State.ExitCode}}');
    const logs = await podman('logs', container('workers', 2));
    expect(inspect.stdout.trim()).toBe('0');
    expect(logs.stdout).toContain('"signal":"SIGTERM","msg":"workers shutting down"');
    // podman stop kills after 10 s (exit 137): a worker that ignored SIGTERM (PID 1 without a
    // handler) would take that long. Its active jobs end in milliseconds against the sandbox.
    expect(stopped?.ms).toBeLessThan(8_000);

    const tally = await waitFor('every destination delivered', async () => {
      const all = await messages();
      const counted = tallyMessages(all, destinations);
      return counted.lost === 0 ? counted : undefined;
    });
    await new Promise((r) => setTimeout(r, 1_000)); // a late copy would arrive by now
    const final = tallyMessages(await messages(), destinations);
    expect(final.lost).toBe(0);
    expect(final.duplicated, final.copies.slice(0, 10).join('\n')).toBe(0);
    expect(tally.codes.size).toBe(N);
    figures.push(
      `SIGTERM to one of two workers mid-load: stopped in ${seconds(stopped?.ms ?? 0)}, exit 0, after ` +
        `${stopped?.sends} send attempts of its own; ${statuses.length} starts accepted, ` +
        `${final.codes.size} delivered exactly once, ${final.lost} lost, ${final.duplicated} duplicated`,
    );
  });

  it('`sendcode doctor` in the image: 0 against the compose Redis, 1 naming an evicting one', async () => {
    const doctor = (redisUrl: string) =>
      podman(
        'run',
        '--rm',
        '--network',
        NETWORK,
        '--env-file',
        dotenv,
        '-e',
        `REDIS_URL=${redisUrl}`,
        IMAGE,
        'doctor',
      );
    const fine = await doctor('redis://redis:6379');
    expect(fine.code, fine.stdout + fine.stderr).toBe(0);
    expect(fine.stdout).toContain('the configuration and Redis look right');

    const evicting = container('evicting-redis');
    await podman(
      'run',
      '-d',
      '--name',
      evicting,
      '--network',
      NETWORK,
      '--label',
      `io.podman.compose.project=${PROJECT}`,
      REDIS_IMAGE,
      'redis-server',
      '--maxmemory-policy',
      'allkeys-lru',
      '--protected-mode',
      'no',
    );
    await waitFor('the evicting Redis', async () =>
      (await podman('exec', evicting, 'redis-cli', 'ping')).stdout.includes('PONG') ? true : undefined,
    );
    const refused = await doctor(`redis://${evicting}:6379`);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/✗ fatal {3}Redis: Redis has maxmemory-policy allkeys-lru.*noeviction/);
    await podman('rm', '-f', evicting);
  });
});

/** The worker's own send attempts (its /metrics), then `podman stop` (SIGTERM), timed. */
async function stopWorker(name: string): Promise<{ ms: number; sends: number }> {
  const metrics = await podman(
    'exec',
    name,
    'node',
    '-e',
    "fetch('http://127.0.0.1:9464/metrics').then((r) => r.text()).then((t) => console.log(t))",
  );
  const sends = metrics.stdout
    .split('\n')
    .filter((line) => line.startsWith('sendcode_send_attempts_total{'))
    .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
  const started = Date.now();
  const stop = await podman('stop', name);
  expect(stop.code, stop.stderr).toBe(0);
  return { ms: Date.now() - started, sends };
}
