import { Counter, Gauge, Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { type MetricsServer, startMetricsServer } from './metrics-server.ts';

/** The workers' metrics server on an ephemeral port, over a registry of its own. */

const open: MetricsServer[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((server) => server.close()));
});

async function serve(registry: Registry, healthy: () => boolean = () => true) {
  const server = await startMetricsServer({ registry, healthy, port: 0, host: '127.0.0.1' });
  open.push(server);
  return server;
}

describe('the metrics server', () => {
  it('listens on a free port when given 0, and serves the registry on /metrics', async () => {
    const registry = new Registry();
    new Counter({ name: 'sendcode_test_total', help: 'a test counter', registers: [registry] }).inc(3);
    const server = await serve(registry);
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.url).not.toMatch(/:0$/);

    const response = await fetch(`${server.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(registry.contentType);
    expect(await response.text()).toContain('sendcode_test_total 3');
  });

  it('collects at scrape time: a gauge read from elsewhere answers what it reads now', async () => {
    const registry = new Registry();
    let depth = 1;
    new Gauge({
      name: 'sendcode_test_depth',
      help: 'read at scrape time',
      registers: [registry],
      collect() {
        this.set(depth);
      },
    });
    const server = await serve(registry);
    expect(await (await fetch(`${server.url}/metrics`)).text()).toContain('sendcode_test_depth 1');
    depth = 7;
    expect(await (await fetch(`${server.url}/metrics`)).text()).toContain('sendcode_test_depth 7');
  });

  it('answers 503 when collecting fails, and keeps serving', async () => {
    const registry = new Registry();
    let broken = true;
    new Gauge({
      name: 'sendcode_test_broken',
      help: 'fails to collect while broken',
      registers: [registry],
      collect() {
        if (broken) throw new Error('collect failed');
        this.set(1);
      },
    });
    const server = await serve(registry);
    expect((await fetch(`${server.url}/metrics`)).status).toBe(503);
    broken = false;
    expect((await fetch(`${server.url}/metrics`)).status).toBe(200);
  });

  it('answers /healthz by `healthy`: 200 ok while the workers run, 503 stopped when not', async () => {
    let running = true;
    const server = await serve(new Registry(), () => running);
    const ok = await fetch(`${server.url}/healthz`);
    expect([ok.status, await ok.json()]).toEqual([200, { status: 'ok' }]);
    running = false;
    const stopped = await fetch(`${server.url}/healthz`);
    expect([stopped.status, await stopped.json()]).toEqual([503, { status: 'stopped' }]);
  });

  it('answers 404 elsewhere, and nothing once closed', async () => {
    const server = await startMetricsServer({
      registry: new Registry(),
      healthy: () => true,
      port: 0,
      host: '127.0.0.1',
    });
    expect((await fetch(`${server.url}/`)).status).toBe(404);
    expect((await fetch(`${server.url}/metrics/extra`)).status).toBe(404);
    await server.close();
    await expect(fetch(`${server.url}/metrics`)).rejects.toThrow();
  });
});
