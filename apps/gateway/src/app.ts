import { isRedisUnavailable } from '@sendcode/store';
import express, { type ErrorRequestHandler, type Express } from 'express';
import { createAuthenticator } from './auth.ts';
import { checkByDestination } from './checks/by-destination.ts';
import { checkCode } from './checks/check.ts';
import type { GatewayDeps } from './deps.ts';
import { ApiError, isApiError } from './errors.ts';
import { health } from './health.ts';
import { httpMetrics } from './http-metrics.ts';
import { serveOpenApi } from './openapi.ts';
import { support } from './support/routes.ts';
import { twilioVerify } from './twilio-verify/routes.ts';
import { createVerification } from './verifications/create.ts';
import { cancelVerification, getVerification } from './verifications/read-cancel.ts';
import { resendVerification } from './verifications/resend.ts';
import { webhooks } from './webhooks/router.ts';

/** Builds the gateway's express app from its dependencies. Listening is the caller's business. */
export function createApp(deps: GatewayDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  // No ETag: express would hash every answer's body (a POST's too) for a conditional GET no client
  // of this API makes; about 0.5 % of the gateway's CPU on starts (bench/README.md, round 5).
  app.set('etag', false);
  const requireScope = createAuthenticator(deps.config.SENDCODE_API_KEYS);

  app.use(httpMetrics(deps.registry));

  // The API first: its requests are nearly all of them, and each router in front of it (the probes'
  // is one) is entered and left again on every request.
  const v1 = express.Router();
  v1.use(express.json({ limit: '16kb', strict: true }));
  v1.post('/verifications', requireScope('verify'), createVerification(deps));
  v1.post('/verifications/check', requireScope('verify'), checkByDestination(deps));
  v1.get('/verifications/:id', requireScope('verify'), getVerification(deps));
  v1.post('/verifications/:id/checks', requireScope('verify'), checkCode(deps));
  v1.post('/verifications/:id/cancel', requireScope('verify'), cancelVerification(deps));
  v1.post('/verifications/:id/resend', requireScope('verify'), resendVerification(deps));
  app.use('/v1', v1);
  app.use(health(deps));
  app.get('/openapi.json', serveOpenApi(deps.publicUrl));
  app.use('/webhooks', webhooks(deps));
  app.use(support(deps, requireScope));
  app.use('/v2', twilioVerify(deps));

  app.use((req) => {
    throw new ApiError('not_found', `No route for ${req.method} ${req.path}.`);
  });
  app.use(errorHandler(deps));
  return app;
}

/** Body-parser failures, by the `type` it sets on its errors. */
const PARSER_ERRORS: Record<string, () => ApiError> = {
  'entity.parse.failed': () => new ApiError('invalid_json'),
  'entity.too.large': () => new ApiError('payload_too_large', 'The body is larger than 16 KB.'),
  'encoding.unsupported': () => new ApiError('unsupported_media_type', 'Send the body as UTF-8 JSON.'),
  'charset.unsupported': () => new ApiError('unsupported_media_type', 'Send the body as UTF-8 JSON.'),
};

/** The gateway's error answer: an `ApiError`'s code and status, 503 when Redis is down, else a logged 500. */
export function errorHandler(deps: Pick<GatewayDeps, 'logger'>): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const parserType =
      typeof error === 'object' && error !== null && 'type' in error ? String(error.type) : '';
    const known = isApiError(error)
      ? error
      : isRedisUnavailable(error)
        ? new ApiError(
            'unavailable',
            'The data store is not reachable; nothing was changed. Retry.',
            undefined,
            {
              retryAfterMs: 1_000,
            },
          )
        : PARSER_ERRORS[parserType]?.();
    const apiError = known ?? new ApiError('internal');
    if (!known || apiError.status >= 500) {
      deps.logger.error({ err: error, method: req.method, route: req.route?.path }, 'request failed');
    }
    if (apiError.retryAfter !== undefined) res.set('Retry-After', String(apiError.retryAfter));
    res.status(apiError.status).json(apiError.toJSON());
  };
}
