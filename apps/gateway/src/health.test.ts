import { testRedis } from '@sendcode/testing';
import { Counter, Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { health } from './health.ts';
import { apiError, jsonOf, type Served, serve } from './test-support.ts';

const registry = new Registry();
new Counter({ name: 'sendcode_test_total', help: 'A counter of this test.', registers: [registry] }).inc(3);
const up = testRedis();
// A real connection that is closed: its ping rejects as a Redis that went away does.
const down = testRedis();
let served: Served;
let downServed: Served;

beforeAll(async () => {
  await down.quit();
  served = await serve((app) => app.use(health({ ping: () => up.ping(), registry })));
  downServed = await serve((app) => app.use(health({ ping: () => down.ping(), registry })));
});

afterAll(async () => {
  await Promise.all([served.close(), downServed.close()]);
  await up.quit();
});

describe('health', () => {
  it('/healthz answers ok whether or not Redis does', async () => {
    for (const { url } of [served, downServed]) {
      const response = await fetch(`${url}/healthz`);
      expect(response.status).toBe(200);
      expect(await jsonOf(response)).toEqual({ status: 'ok' });
    }
  });

  it('/readyz answers ready when Redis answers', async () => {
    const response = await fetch(`${served.url}/readyz`);
    expect(response.status).toBe(200);
    expect(await jsonOf(response)).toEqual({ status: 'ready' });
  });

  it('/readyz answers 503 unavailable when Redis does not', async () => {
    const response = await fetch(`${downServed.url}/readyz`);
    expect(response.status).toBe(503);
    expect((await apiError(response)).code).toBe('unavailable');
  });

  it("/metrics serves the registry in Prometheus' text format", async () => {
    const response = await fetch(`${served.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    expect(await response.text()).toContain('sendcode_test_total 3');
  });
});
