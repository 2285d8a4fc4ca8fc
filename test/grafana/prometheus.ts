import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@sendcode/testing';
import { INSTALL_HINT } from './tools.ts';

/** One series of an instant query: its labels and its value (NaN is a value too). */
export interface Sample {
  readonly metric: Record<string, string>;
  readonly value: readonly [number, string];
}

/** A real Prometheus on a free loopback port, its TSDB in a temp dir. */
export interface RunningPrometheus {
  readonly url: string;
  /** Instant query through the HTTP API; throws on a PromQL error. */
  query(expr: string): Promise<Sample[]>;
  /** `GET /api/v1/<path>` and its `data`. */
  api(path: string): Promise<unknown>;
  stop(): Promise<void>;
}

export interface PrometheusOptions {
  /** job name -> `host:port` targets. */
  readonly targets: Readonly<Record<string, readonly string[]>>;
  readonly ruleFiles?: readonly string[];
  /** Scrape and rule-evaluation interval. Default `1s`. */
  readonly interval?: string;
}

/** Starts `prometheus` and resolves once it answers `/-/ready`. */
export async function startPrometheus(options: PrometheusOptions): Promise<RunningPrometheus> {
  const dir = await mkdtemp(join(tmpdir(), 'sendcode-prometheus-'));
  const interval = options.interval ?? '1s';
  // JSON is YAML: no YAML library needed to write the config.
  const config = {
    global: { scrape_interval: interval, scrape_timeout: interval, evaluation_interval: interval },
    rule_files: options.ruleFiles ?? [],
    scrape_configs: Object.entries(options.targets).map(([job, targets]) => ({
      job_name: job,
      static_configs: [{ targets }],
    })),
  };
  await writeFile(join(dir, 'prometheus.yml'), JSON.stringify(config, null, 2));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    'prometheus',
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4_000);
  });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitReady(url, child, () => log);
  } catch (error) {
    await stop();
    throw error;
  }

  const api = async (path: string): Promise<unknown> => {
    const response = await fetch(`${url}/api/v1/${path}`);
    const body = (await response.json()) as { status: string; data?: unknown; error?: string };
    if (body.status !== 'success') throw new Error(`Prometheus ${path}: ${body.error ?? response.status}`);
    return body.data;
  };
  return {
    url,
    api,
    async query(expr) {
      const data = (await api(`query?query=${encodeURIComponent(expr)}`)) as { result: unknown };
      return Array.isArray(data.result) ? (data.result as Sample[]) : [];
    },
    stop,
  };
}

async function waitReady(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const spawned = new Promise<never>((_, reject) => {
    child.once('error', (error) => reject(new Error(`prometheus: ${error.message}. ${INSTALL_HINT}.`)));
    child.once('exit', (code) => reject(new Error(`prometheus exited with ${code}: ${log()}`)));
  });
  // Once ready, a later exit (our own stop) must not surface as an unhandled rejection.
  spawned.catch(() => undefined);
  const ready = (async () => {
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      const ok = await fetch(`${url}/-/ready`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`prometheus not ready within 15 s: ${log()}`);
  })();
  await Promise.race([ready, spawned]);
}
