import { verificationId } from '@sendcode/contract';
import type { RequestHandler } from 'express';
import type { ApiClient } from '../auth.ts';
import type { GatewayDeps } from '../deps.ts';
import { ApiError } from '../errors.ts';
import { presentVerification } from './present.ts';

/** The answer for a verification that is not there: also what another client's is answered. */
export function noSuchVerification(): ApiError {
  return new ApiError('not_found', 'No such verification (it may have expired and been deleted).');
}

/** The verification id named in the path; one that cannot be an id is not found. */
export function pathVerificationId(rawId: unknown): string {
  const id = verificationId.safeParse(rawId);
  if (!id.success) throw noSuchVerification();
  return id.data;
}

/**
 * Loads the verification named in the path for the calling client. Another client's verification is
 * answered exactly like a missing one, so ids cannot be probed across clients.
 */
export async function ownVerification(deps: GatewayDeps, rawId: unknown, client: ApiClient) {
  const record = await deps.store.get(pathVerificationId(rawId), deps.now());
  if (!record || record.client !== client.name) throw noSuchVerification();
  return record;
}

/** `GET /v1/verifications/{id}`: state and masked timeline. */
export function getVerification(deps: GatewayDeps): RequestHandler {
  return async (req, res) => {
    const found = await deps.store.withTimeline(pathVerificationId(req.params.id), deps.now());
    if (!found || found.record.client !== (res.locals.client as ApiClient).name) throw noSuchVerification();
    res.json(presentVerification(found.record, found.timeline));
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
