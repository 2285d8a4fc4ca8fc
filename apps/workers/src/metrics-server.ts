import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export interface MetricsServer {
  /** Base URL: `/metrics` and `/healthz`. */
  readonly url: string;
  /** Stops listening; resolves once open connections are done. */
  close(): Promise<void>;
}

export interface MetricsServerOptions {
  readonly registry: Registry;
  /** What `/healthz` answers: 200 `ok` while true, 503 `stopped` otherwise. */
  readonly healthy: () => boolean;
  /** 0 picks a free port. */
  readonly port: number;
  readonly host: string;
}

/**
 * The workers' HTTP side: `/metrics` (the registry, collected at scrape time; 503 when collecting
 * fails) for Prometheus, `/healthz` for the orchestrator's liveness probe. Resolves once listening.
 */
export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const { registry, healthy } = options;
  const server = createServer((req, res) => {
    if (req.url === '/metrics') {
      registry.metrics().then(
        (body) => {
          res.setHeader('Content-Type', registry.contentType);
          res.end(body);
        },
        () => {
          res.statusCode = 503;
          res.end();
        },
      );
      return;
    }
    if (req.url === '/healthz') {
      const running = healthy();
      res.statusCode = running ? 200 : 503;
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ status: running ? 'ok' : 'stopped' }));
      return;
    }
    res.statusCode = 404;
    res.end();
  });
  server.listen(options.port, options.host);
  await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host}:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
