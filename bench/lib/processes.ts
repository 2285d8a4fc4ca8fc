/**
 * Child processes of the benchmark, started the way scripts/start.ts starts them
 * (`node --import tsx <entry>` with an environment), optionally under `node --cpu-prof`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CONFIG } from './config.ts';
import { waitUntil } from './stats.ts';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const RESULTS_DIR = fileURLToPath(new URL('../results/', import.meta.url));

export interface Child {
  readonly name: string;
  readonly process: ChildProcess;
  /** SIGTERM, then SIGKILL after 15 s; resolves once it exited. */
  stop(): Promise<void>;
}

export function spawnTsx(name: string, entry: string, env: NodeJS.ProcessEnv, profile = false): Child {
  // One directory per process: Node writes one profile per thread (tsx's loader thread too), named by pid and thread.
  const profDir = `${RESULTS_DIR}profiles/${name}`;
  if (profile) mkdirSync(profDir, { recursive: true });
  const args = [
    ...(profile ? ['--cpu-prof', '--cpu-prof-dir', profDir] : []),
    '--conditions=source',
    '--import',
    'tsx',
    `${ROOT}${entry}`,
  ];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  child.once('exit', (code, signal) => {
    if (code !== 0 && signal !== 'SIGTERM' && code !== null)
      console.error(`bench: ${name} exited with ${code}`);
  });
  return {
    name,
    process: child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Waits until `url` answers 2xx (20 s at most). */
export async function waitHttp(url: string): Promise<void> {
  const up = await waitUntil(async () => (await fetch(url).catch(() => undefined))?.ok === true, 20_000, 100);
  if (!up) throw new Error(`${url} did not come up`);
}

export const profiling = CONFIG.profile;
