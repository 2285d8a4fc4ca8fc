import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { parseEnv } from '@sendcode/runtime';
import { newSandboxCredentials, sandboxProviderEnv } from '@sendcode/sandbox';
import { buildChannels, workersEnv } from '@sendcode/workers';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

/**
 * The image and compose files checked offline (npm test); `npm run test:deploy` runs them for real.
 */

/** KEY=VALUE lines of an env file, comments and blank lines left out. */
function envFile(text: string): Record<string, string> {
  const lines = text.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('#'));
  return Object.fromEntries(
    lines.map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}

interface ComposeService {
  image?: string;
  command?: string[];
  container_name?: string;
  ports?: string[];
  profiles?: string[];
  read_only?: boolean;
  env_file?: string[];
}

const compose = parse(readFileSync('compose.yaml', 'utf8'), { merge: true }) as {
  services: Record<string, ComposeService>;
};

describe('Dockerfile', () => {
  it('copies every workspace’s package.json before npm ci, so none is left out of the image', () => {
    const workspaces = ['packages', 'apps'].flatMap((dir) =>
      readdirSync(dir)
        .map((name) => `${dir}/${name}`)
        .filter((workspace) => existsSync(`${workspace}/package.json`)),
    );
    const copied = [...readFileSync('Dockerfile', 'utf8').matchAll(/^COPY (\S+)\/package\.json \1\/$/gm)];
    expect(copied.map((match) => match[1]).sort()).toEqual(workspaces.sort());
  });
});

describe('compose.yaml', () => {
  it('runs every Sendcode role from one overridable image, the workers scalable', () => {
    const { gateway, workers, sandbox } = compose.services;
    for (const [role, service] of Object.entries({ gateway, workers, sandbox })) {
      expect(service?.image, role).toBe(`$\{SENDCODE_IMAGE:-sendcode:latest}`);
      expect(service?.command, role).toEqual([role]);
      expect(service?.read_only, role).toBe(true);
    }
    // Replicas of a service with a fixed name or host port would collide.
    expect(workers).not.toHaveProperty('container_name');
    expect(workers).not.toHaveProperty('ports');
    expect(sandbox?.profiles).toEqual(['sandbox']);
    expect(compose.services.prometheus?.profiles).toEqual(['monitoring']);
    expect(compose.services.grafana?.profiles).toEqual(['monitoring']);
    for (const [name, service] of Object.entries(compose.services)) {
      expect(service.image, name).toMatch(/^\$\{[A-Z]+_IMAGE:-[^}]+\}$/);
      for (const port of service.ports ?? [])
        expect(port, name).toMatch(/^\$\{[A-Z]+_PUBLISH:-127\.0\.0\.1:\d+\}:\d+$/);
    }
  });

  it('gives Redis AOF and noeviction', () => {
    const command = compose.services.redis?.command?.join(' ');
    expect(command).toContain('--appendonly yes');
    expect(command).toContain('--maxmemory-policy noeviction');
  });
});

describe('.env.example and deploy/compose', () => {
  it('.env.example sets no value: every secret is the operator’s (or new-env.sh’s)', () => {
    expect(Object.values(envFile(readFileSync('.env.example', 'utf8')))).toEqual(['', '', '']);
  });

  it('sandbox.env is sandboxProviderEnv with the sandbox reached by its service name', () => {
    const env = envFile(readFileSync('deploy/compose/sandbox.env', 'utf8'));
    const generated = ['TWILIO_AUTH_TOKEN', 'VONAGE_PRIVATE_KEY', 'VONAGE_SIGNATURE_SECRET'];
    const expected = sandboxProviderEnv(
      { httpUrl: 'http://sandbox:4010', smtpPort: 2525 },
      newSandboxCredentials(),
    );
    for (const [name, value] of Object.entries(expected)) {
      if (generated.includes(name) || name === 'VONAGE_APPLICATION_ID') continue;
      expect(env[name], name).toBe(value.replace('127.0.0.1', 'sandbox'));
    }
    expect(env).toMatchObject({ PUBLIC_URL: 'http://gateway:8080', PROVIDER_PLAIN_HTTP_HOSTS: 'sandbox' });
    expect(Object.keys(env).filter((name) => generated.includes(name))).toEqual([]);
  });

  it('new-env.sh --sandbox writes a configuration the workers accept, every provider built', () => {
    const written = envFile(execFileSync('deploy/compose/new-env.sh', ['--sandbox'], { encoding: 'utf8' }));
    const config = parseEnv(workersEnv, { ...written, REDIS_URL: 'redis://redis:6379' });
    const channels = buildChannels(config);
    expect(Object.fromEntries(Object.entries(channels).map(([c, adapters]) => [c, adapters.length]))).toEqual(
      {
        email: 1,
        sms: 2,
        voice: 2,
      },
    );
    expect(written.SENDCODE_SECRET).toMatch(/^[0-9a-f]{64}$/);
  });
});
