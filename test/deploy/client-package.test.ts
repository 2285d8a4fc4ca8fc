import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The client as a separate project gets it: built, packed with `npm pack`, installed from the
 * tarball into an empty project (no workspace, no zod, no contract), type-checked with strict
 * settings and run against a server answering as the gateway does.
 */

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');

const consumer = (
  baseUrl: string,
) => `import { createSendcodeClient, isSendcodeError, type SendcodeErrorCode, type Verification } from '@sendcode/client';

const client = createSendcodeClient({ baseUrl: '${baseUrl}', apiKey: 'k'.repeat(32) });

function describeStatus(verification: Verification): string {
  // The status is a union: a misspelt one does not compile.
  return verification.status === 'pending' ? 'waiting' : verification.status;
}

const known: SendcodeErrorCode = 'rate_limited';
// @ts-expect-error: not one of the API's error codes
const unknown: SendcodeErrorCode = 'rate_limit';

try {
  const verification = await client.verifications.create({ to: 'taro@example.com', channel: 'email' });
  console.log(describeStatus(verification));
} catch (error) {
  if (!isSendcodeError(error)) throw error;
  console.log(JSON.stringify({ code: error.code, status: error.status, retryAfter: error.retryAfter, known, unknown }));
}
`;

let dir: string;
let server: Server;
let url: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sendcode-client-'));
  await run('npx', ['tsc', '-b', 'packages/client/tsconfig.build.json'], { cwd: ROOT });
  await run(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', 'packages/client/scripts/declarations.ts'],
    {
      cwd: ROOT,
    },
  );
  await run('npm', ['pack', '--pack-destination', dir, '--workspace', '@sendcode/client'], { cwd: ROOT });
  server = createServer((_req, res) => {
    res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '7' });
    res.end(JSON.stringify({ error: { code: 'rate_limited', message: 'Too many requests.' } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 180_000);

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

describe('the packed @sendcode/client', () => {
  it('installs into a separate project, type-checks strictly and runs with no dependency', async () => {
    const [tarball] = (await readdir(dir)).filter((name) => name.endsWith('.tgz'));
    expect(tarball).toBeDefined();
    const project = join(dir, 'consumer');
    await mkdir(project);
    await writeFile(
      join(project, 'package.json'),
      JSON.stringify({ name: 'consumer', private: true, type: 'module' }),
    );
    await run('npm', ['install', '--offline', '--no-audit', '--no-fund', join(dir, tarball ?? '')], {
      cwd: project,
    });
    expect((await readdir(join(project, 'node_modules'))).sort()).toEqual([
      '.package-lock.json',
      '@sendcode',
    ]);
    expect(await readdir(join(project, 'node_modules/@sendcode'))).toEqual(['client']);

    await writeFile(join(project, 'main.ts'), consumer(url));
    await writeFile(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          lib: ['ES2023', 'DOM'],
          strict: true,
          exactOptionalPropertyTypes: true,
          noUnusedLocals: false,
          outDir: 'out',
          types: [],
        },
        files: ['main.ts'],
      }),
    );
    // No skipLibCheck: the client's own declarations are checked too.
    await run(process.execPath, [TSC, '-p', project], { cwd: project }).catch((error: { stdout: string }) => {
      throw new Error(`tsc failed:\n${error.stdout}`);
    });
    const { stdout } = await run(process.execPath, [join(project, 'out/main.js')], { cwd: project });
    expect(JSON.parse(stdout)).toEqual({
      code: 'rate_limited',
      status: 429,
      retryAfter: 7,
      known: 'rate_limited',
      unknown: 'rate_limit',
    });
  }, 120_000);
});
