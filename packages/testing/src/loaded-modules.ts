import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/**
 * Files of the SDKs the workers send with: twilio's REST client (anything of the package but its
 * webhook module), Vonage's SMS and Voice clients, nodemailer. A process that only receives (the
 * gateway, `@sendcode/channels/receipts`) must load none.
 */
export const SENDING_SDK_FILE =
  /\/node_modules\/(twilio\/(?!lib\/webhooks\/)|@vonage\/(server-sdk|sms|voice)\/|nodemailer\/)/;

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/**
 * A module resolve hook (it runs on the loader thread) that appends every resolved URL to a file,
 * synchronously, so the list is complete once the import has settled.
 */
const RECORD_HOOK = `
import { appendFileSync } from 'node:fs';
let out;
export function initialize(data) { out = data.out; }
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(out, resolved.url + '\\n');
  return resolved;
}`;

/** Imports `SPECIFIER` with the hook registered, then prints the CommonJS cache (required files). */
const CHILD = `
import { createRequire, register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(RECORD_HOOK)}), {
  data: { out: process.env.RECORD_OUT },
});
await import(process.env.SPECIFIER);
process.stdout.write(JSON.stringify(Object.keys(createRequire(process.cwd() + '/').cache)));
`;

/**
 * Every file a fresh Node process loads to import `specifier` (resolved from the repository root,
 * TypeScript through tsx): each ES module resolved, plus each CommonJS file required. For checking
 * what a process does not load: ESM has no module cache to look at, so a resolve hook records it.
 */
export async function loadedModules(specifier: string): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), 'sendcode-loaded-'));
  const out = join(dir, 'resolved');
  try {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', '--input-type=module', '-e', CHILD],
      { cwd: ROOT, env: { ...process.env, SPECIFIER: specifier, RECORD_OUT: out } },
    );
    const required = JSON.parse(stdout) as string[];
    const resolved = (await readFile(out, 'utf8'))
      .split('\n')
      .filter((url) => url.startsWith('file:'))
      .map((url) => fileURLToPath(url));
    return [...new Set([...resolved, ...required])];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
