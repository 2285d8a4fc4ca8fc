import express from 'express';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from './errors.ts';
import { httpMetrics, UNMATCHED } from './http-metrics.ts';
import { type Served, serve } from './test-support.ts';

const registry = new Registry();
let served: Served;

beforeAll(async () => {
  served = await serve((app) => {
    app.use(httpMetrics(registry));
    const v1 = express.Router();
    v1.get('/verifications/:id', (_req, res) => {
      res.json({ ok: true });
    });
    v1.post('/verifications/:id/checks', () => {
      throw new ApiError('verification_not_pending', 'Not pending.');
    });
    app.use('/v1', v1);
    app.use((req) => {
      throw new ApiError('not_found', `No route for ${req.method} ${req.path}.`);
    });
  });
});

afterAll(() => served.close());

/** The request counter's series, as `method route status` → count. */
async function requests(): Promise<Map<string, number>> {
  const metric = registry.getSingleMetric('sendcode_http_requests_total');
  const { values } = (await metric?.get()) ?? { values: [] };
  return new Map(values.map((v) => [`${v.labels.method} ${v.labels.route} ${v.labels.status}`, v.value]));
}

const PHONE = '+819012345678';

describe('httpMetrics', () => {
  it('starts the known routes at 0, with their usual status and 500, before any request', async () => {
    const series = await requests();
    expect(series.get('POST /v1/verifications 201')).toBe(0);
    expect(series.get('POST /v1/verifications 500')).toBe(0);
    expect(series.get(`GET ${UNMATCHED} 404`)).toBe(0);
  });

  it('labels a request with its route template, never the raw path or query', async () => {
    const before = (await requests()).get('GET /v1/verifications/:id 200') ?? 0;
    await fetch(`${served.url}/v1/verifications/ver_0123456789abcdef?to=${encodeURIComponent(PHONE)}`);
    expect((await requests()).get('GET /v1/verifications/:id 200')).toBe(before + 1);
  });

  it('keeps the template when the app-level error handler answers', async () => {
    const response = await fetch(`${served.url}/v1/verifications/ver_x/checks`, { method: 'POST' });
    expect(response.status).toBe(409);
    expect((await requests()).get('POST /v1/verifications/:id/checks 409')).toBe(1);
  });

  it(`counts requests no route matched as '${UNMATCHED}'`, async () => {
    const response = await fetch(`${served.url}/${encodeURIComponent(PHONE)}/scan`, { method: 'POST' });
    expect(response.status).toBe(404);
    expect((await requests()).get(`POST ${UNMATCHED} 404`)).toBe(1);
  });

  it('never carries an id or a destination in any label', async () => {
    await fetch(`${served.url}/v1/verifications/ver_0123456789abcdef?to=${encodeURIComponent(PHONE)}`);
    await fetch(`${served.url}/${encodeURIComponent(PHONE)}/scan`);
    const text = await registry.metrics();
    expect(text).toContain('sendcode_http_request_duration_seconds_bucket');
    for (const leak of ['ver_', '9012345678', '%2B81', '/scan']) expect(text).not.toContain(leak);
  });
});
