import { verificationId } from '@sendcode/contract';
import type { RequestHandler } from 'express';
import type { ApiClient } from '../auth.ts';
import type { GatewayDeps } from '../deps.ts';
import { ApiError } from '../errors.ts';
import { presentVerification } from './present.ts';

/**
 * Loads the verification named in the path for the calling client. Another client's verification is
 * answered exactly like a missing one, so ids cannot be probed across clients.
 */
export async function ownVerification(deps: GatewayDeps, rawId: unknown, client: ApiClient) {
  const id = verificationId.safeParse(rawId);
  const record = id.success ? await deps.store.get(id.data, deps.now()) : null;
  if (!record || record.client !== client.name) {
    throw new ApiError('not_found', 'No such verification (it may have expired and been deleted).');
  }
  return record;
}

/** `GET /v1/verifications/{id}`: state and masked timeline. */
export function getVerification(deps: GatewayDeps): RequestHandler {
  return async (req, res) => {
    const record = await ownVerification(deps, req.params.id, res.locals.client as ApiClient);
    const timeline = await deps.store.timeline(record.id);
    res.json(presentVerification(record, timeline));
  };
}

/** `POST /v1/verifications/{id}/cancel`: pending → canceled; a final verification is left as it is. */
export function cancelVerification(deps: GatewayDeps): RequestHandler {
  return async (req, res) => {
    const record = await ownVerification(deps, req.params.id, res.locals.client as ApiClient);
    res.json({ id: record.id, status: await cancelRecord(deps, record.id) });
  };
}

/** Cancels a pending verification the caller owns, counting the outcome; answers the status after. */
export async function cancelRecord(deps: GatewayDeps, id: string) {
  const outcome = await deps.store.cancel(id, deps.now());
  if (!outcome.found) throw new ApiError('not_found');
  if (outcome.transitioned && outcome.status !== 'pending') deps.engine.metrics.completed(outcome.status);
  return outcome.status;
}
