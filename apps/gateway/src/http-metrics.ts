import { RECEIPT_WEBHOOKS } from '@sendcode/channels/receipts';
import type { Request, RequestHandler } from 'express';
import { Counter, Histogram, type Registry } from 'prom-client';

/** Route label of requests no route matched (404s, scanners): raw paths would explode cardinality. */
export const UNMATCHED = 'unmatched';

/**
 * Routes known at startup, with the status they answer when all is well (404 for no route at all).
 * Each starts at 0 with that status and with 500, so that request and error rates return series from
 * the first scrape.
 */
const KNOWN_ROUTES = [
  ['GET', '/healthz', '200'],
  ['GET', '/readyz', '200'],
  ['GET', '/metrics', '200'],
  ['POST', '/v1/verifications', '201'],
  ['GET', '/v1/verifications/:id', '200'],
  ['POST', '/v1/verifications/:id/checks', '200'],
  ['POST', '/v1/verifications/:id/cancel', '200'],
  ['POST', '/v1/verifications/:id/resend', '202'],
  ...RECEIPT_WEBHOOKS.map(({ path }) => ['POST', `/webhooks/${path}`, '200'] as const),
  ['GET', UNMATCHED, '404'],
  ['POST', UNMATCHED, '404'],
] as const;

/**
 * Express middleware, mounted before every router, counting requests by method, route template
 * (`/v1/verifications/:id`, never the raw path) and status, and timing them.
 */
export function httpMetrics(registry: Registry): RequestHandler {
  const requests = new Counter({
    name: 'sendcode_http_requests_total',
    help: 'HTTP requests answered, by method, route template and status code.',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'sendcode_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by method and route template.',
    labelNames: ['method', 'route'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  for (const [method, route, ok] of KNOWN_ROUTES) {
    for (const status of [ok, '500']) requests.inc({ method, route, status }, 0);
    duration.zero({ method, route });
  }

  return (req, res, next) => {
    const started = process.hrtime.bigint();
    const template = captureRouteTemplate(req);
    res.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const labels = { method: req.method, route: template() ?? UNMATCHED };
      requests.inc({ ...labels, status: String(res.statusCode) });
      duration.observe(labels, seconds);
    });
    next();
  };
}

/**
 * Express sets `req.route` when a route matches, while `req.baseUrl` is still that router's mount
 * path; by the time the response finishes (an error handler at the app level, say) `baseUrl` has
 * been restored. So the template is read at the moment the route is assigned.
 */
function captureRouteTemplate(req: Request): () => string | undefined {
  let route: unknown = req.route;
  let template: string | undefined;
  Object.defineProperty(req, 'route', {
    configurable: true,
    enumerable: true,
    get: () => route,
    set(value: unknown) {
      route = value;
      const path = typeof value === 'object' && value !== null && 'path' in value ? value.path : undefined;
      if (typeof path === 'string') template = `${req.baseUrl}${path}`;
    },
  });
  return () => template;
}
