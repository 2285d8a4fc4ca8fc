import { spawn } from 'node:child_process';
import { join } from 'node:path';

export const GRAFANA_DIR = join(import.meta.dirname, '../../grafana');
export const PROMETHEUS_DIR = join(GRAFANA_DIR, 'prometheus');

/** What `scripts/ensure-prometheus.sh` installs; the message tests fail with when a binary is missing. */
export const INSTALL_HINT =
  "promtool and prometheus come with Debian's `prometheus` package: run `bash scripts/ensure-prometheus.sh` (as root) or `apt-get install prometheus`";

/** Runs a command to completion and returns its exit code and combined output. */
export function run(
  command: string,
  args: readonly string[],
  cwd = PROMETHEUS_DIR,
): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('error', (error) => reject(new Error(`${command}: ${error.message}. ${INSTALL_HINT}.`)));
    child.once('close', (code) => resolve({ code: code ?? -1, output }));
  });
}
