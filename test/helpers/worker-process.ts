import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { freePort } from '@sendcode/testing';

const MAIN = fileURLToPath(new URL('../../apps/workers/src/main.ts', import.meta.url));

/** A workers process, as `npm start` runs it, for tests that kill or restart one. */
export interface WorkerProcess {
  readonly child: ChildProcess;
  /** Sends a signal and waits for the process to exit. */
  stop(signal: NodeJS.Signals): Promise<void>;
}

/**
 * Spawns `apps/workers/src/main.ts` with `env` and resolves once its /healthz answers. Its log is
 * silenced, unless `log` names a file to append it to and the level to log at (evidence of a run).
 */
export async function spawnWorkers(
  env: Readonly<Record<string, string>>,
  log?: { readonly file: string; readonly level: string },
): Promise<WorkerProcess> {
  const port = await freePort();
  const out = log ? openSync(log.file, 'a') : 'ignore';
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', MAIN], {
    env: { ...process.env, ...env, WORKERS_METRICS_PORT: String(port), LOG_LEVEL: log?.level ?? 'silent' },
    stdio: ['ignore', out, 'inherit'],
  });
  // The child has its own copy of the descriptor.
  if (typeof out === 'number') closeSync(out);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // A loaded machine (the reliability runs) can take most of a minute to load tsx and the app.
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`workers exited with ${child.exitCode}`);
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) throw new Error('workers did not come up');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    child,
    async stop(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
