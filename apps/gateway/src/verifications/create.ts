import { createVerificationBody } from '@sendcode/contract';
import type { RequestHandler } from 'express';
import type { ApiClient } from '../auth.ts';
import type { GatewayDeps } from '../deps.ts';
import { idempotent } from '../protection/idempotency.ts';
import { parseBody } from '../validate.ts';
import { startVerification } from './start.ts';

/** `POST /v1/verifications`, with `Idempotency-Key` support; the work is `startVerification`. */
export function createVerification(deps: GatewayDeps): RequestHandler {
  return idempotent(deps, (req, res) =>
    startVerification(deps, res.locals.client as ApiClient, parseBody(createVerificationBody, req)),
  );
}
