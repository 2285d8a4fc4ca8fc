import express, { type RequestHandler, type Router } from 'express';
import { z } from 'zod';
import type { ApiClient, Scope } from '../auth.ts';
import { consolePage } from '../console/serve.ts';
import type { GatewayDeps } from '../deps.ts';
import { ApiError } from '../errors.ts';
import { presentForSupport } from './present.ts';
import { auditHash, SUPPORT_WINDOW_MS, searchVerifications, supportQuery } from './search.ts';

/**
 * The support API and console: `GET /v1/support/verifications` and `GET /v1/support/audit` (scope
 * `support`, read-only: a support key cannot send or check codes, and sees every client's
 * verifications), and the console page at `/console`.
 */
export function support(deps: GatewayDeps, requireScope: (scope: Scope) => RequestHandler): Router {
  const router = express.Router();
  router.get('/v1/support/verifications', requireScope('support'), findVerifications(deps));
  router.get('/v1/support/audit', requireScope('support'), listAudit(deps));
  router.use('/console', consolePage());
  return router;
}

function findVerifications(deps: GatewayDeps): RequestHandler {
  return async (req, res) => {
    const query = parseQuery(supportQuery, req.query);
    const found = await searchVerifications(deps, query);
    const now = deps.now();
    const views = await Promise.all(
      found.ids.map(async (id) => {
        const [read, sends] = await Promise.all([deps.store.withTimeline(id, now), deps.store.sends(id)]);
        if (!read) return undefined;
        const { record, timeline } = read;
        return presentForSupport({ record, sends, timeline, knownWarnings: found.knownWarnings, now });
      }),
    );
    const verifications = views.filter((v) => v !== undefined);
    await deps.audit.record({
      at: now,
      actor: (res.locals.client as ApiClient).name,
      queryKind: found.kind,
      queryHash: auditHash(deps, found),
      results: verifications.length,
    });
    res.set('Cache-Control', 'no-store').json({ verifications });
  };
}

const auditQuery = z.strictObject({
  since: z.iso.datetime().optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});

function listAudit(deps: GatewayDeps): RequestHandler {
  return async (req, res) => {
    const query = parseQuery(auditQuery, req.query);
    const since = query.since === undefined ? deps.now() - SUPPORT_WINDOW_MS : Date.parse(query.since);
    const entries = await deps.audit.list(Math.max(0, since), query.limit ?? 100);
    res
      .set('Cache-Control', 'no-store')
      .json({ entries: entries.map((e) => ({ ...e, at: new Date(e.at).toISOString() })) });
  };
}

function parseQuery<S extends z.ZodType>(schema: S, query: unknown): z.infer<S> {
  const result = schema.safeParse(query);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({
    field: issue.path.join('.'),
    message: issue.message,
  }));
  throw new ApiError('validation_failed', 'The query string is not valid.', { issues });
}
