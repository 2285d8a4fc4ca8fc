import { createHash } from 'node:crypto';
import { isRedisUnavailable } from '@sendcode/store';
import type { Request, RequestHandler, Response } from 'express';
import type { ApiClient } from '../auth.ts';
import type { GatewayDeps } from '../deps.ts';
import { ApiError } from '../errors.ts';

/** A handler's answer, so it can be stored and replayed byte for byte. */
export interface Answer {
  readonly status: number;
  readonly body: unknown;
}

/** How long a claimed key stays locked while its first request runs. */
const LOCK_MS = 30_000;
const KEY = /^[\x21-\x7e]{1,255}$/;

/**
 * `Idempotency-Key` for a POST: the first successful answer for (client, key) is kept 24 h and
 * replayed for the same body (header `Idempotent-Replayed: true`), so a retried request never sends
 * twice. The same key with another body is a 422; while the first request still runs, a 409. Failed
 * requests are not kept: the client may retry them with the same key.
 */
export function idempotent(
  deps: Pick<GatewayDeps, 'idempotency' | 'now' | 'logger'>,
  handler: (req: Request, res: Response) => Promise<Answer>,
): RequestHandler {
  return async (req, res) => {
    const key = req.get('idempotency-key');
    if (key === undefined) {
      const answer = await handler(req, res);
      sendJson(res, answer.status, JSON.stringify(answer.body));
      return;
    }
    if (!KEY.test(key)) {
      throw new ApiError('validation_failed', 'Idempotency-Key must be 1-255 printable ASCII characters.', {
        field: 'Idempotency-Key',
      });
    }
    const client = (res.locals.client as ApiClient).name;
    const bodyHash = createHash('sha256').update(canonicalJson(req.body)).digest('hex');
    const claim = await deps.idempotency.begin(client, key, bodyHash, deps.now(), LOCK_MS);
    if (claim === 'mismatch') {
      throw new ApiError('idempotency_key_reused');
    }
    if (claim === 'in_progress') {
      res.set('Retry-After', '1');
      throw new ApiError('idempotency_key_in_use');
    }
    if (claim !== 'new') {
      res.status(claim.status).set('Idempotent-Replayed', 'true').type('application/json').send(claim.body);
      return;
    }
    let answer: Answer;
    try {
      answer = await handler(req, res);
    } catch (error) {
      await deps.idempotency.abandon(client, key, bodyHash);
      throw error;
    }
    const json = JSON.stringify(answer.body);
    try {
      await deps.idempotency.complete(client, key, bodyHash, answer.status, json);
    } catch (error) {
      // The request did what it answers (a 201 means its code is queued): saying 503 now would be
      // untrue. Unstored, the key stays locked until LOCK_MS and then a retry runs again, which
      // resumes the same verification.
      if (!isRedisUnavailable(error)) throw error;
      deps.logger.warn({ err: error }, 'answer not kept for Idempotency-Key replays: Redis refused it');
    }
    sendJson(res, answer.status, json);
  };
}

/**
 * Answers `json` with the status and headers `res.status(status).json(body)` gives it (the app sets
 * no JSON replacer, spacing or escaping, and no ETag), without express's way there: settings looked
 * up, the content type set, then parsed again to add its charset. Every start answers through here.
 */
function sendJson(res: Response, status: number, json: string): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(json));
  res.end(json);
}

/** JSON with object keys sorted, so the same body sent with another key order is the same body. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : 1)))
      : inner,
  );
}
