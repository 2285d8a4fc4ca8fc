import { Router } from 'express';
import type { GatewayDeps } from './deps.ts';

/** `/healthz` (process is up), `/readyz` (Redis answers) and `/metrics`; no authentication. */
export function health(deps: Pick<GatewayDeps, 'ping' | 'registry'>): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    try {
      await deps.ping();
      res.json({ status: 'ready' });
    } catch {
      res.status(503).json({ error: { code: 'unavailable', message: 'Redis is not answering.' } });
    }
  });
  router.get('/metrics', async (_req, res) => {
    res.type(deps.registry.contentType).send(await deps.registry.metrics());
  });
  return router;
}
