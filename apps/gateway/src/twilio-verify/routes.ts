import express, { type Request, type Response, type Router } from 'express';
import type { ApiClient } from '../auth.ts';
import { findByDestination, nothingForDestination } from '../checks/by-destination.ts';
import { type CheckAnswer, checkVerification, refusedAfterApproval } from '../checks/check.ts';
import type { GatewayDeps } from '../deps.ts';
import { cancelRecord, ownVerification, pathVerificationId } from '../verifications/read-cancel.ts';
import { startVerification } from '../verifications/start.ts';
import { requireBasicVerify, type TwilioCaller } from './auth.ts';
import { invalidParameter, maxCheckAttempts, notFound, twilioErrorHandler } from './errors.ts';
import { fromTwilioSid, presentTwilioVerification, STATUS_TO_TWILIO, type TwilioContext } from './present.ts';
import { checkForm, parseForm, toCreateBody, updateForm } from './schemas.ts';

/**
 * Twilio Verify v2, mounted at `/v2`: form-encoded requests, Basic auth with an API key as the auth
 * token, Twilio's JSON and error shapes. Every route is a translation onto the native logic
 * (`startVerification`, `checkVerification`, `cancelRecord`); nothing is decided twice.
 */
export function twilioVerify(deps: GatewayDeps): Router {
  const router = express.Router();
  router.use(express.urlencoded({ extended: false, limit: '16kb' }));
  router.use(requireBasicVerify(deps.config.SENDCODE_API_KEYS));
  const base = '/Services/:serviceSid';

  router.post(`${base}/Verifications`, async (req, res) => {
    const ctx = context(deps, req, res);
    const body = toCreateBody(req.body);
    const answer = await startVerification(deps, client(res), body);
    const record = await deps.store.get(answerId(answer.body), deps.now());
    if (!record) throw notFound(req.originalUrl);
    res.status(201).json(presentTwilioVerification(record, { ...ctx, to: body.to }));
  });

  router.get(`${base}/Verifications/:sid`, async (req, res) => {
    const record = await ownVerification(deps, fromTwilioSid(String(req.params.sid)), client(res));
    res.json(presentTwilioVerification(record, context(deps, req, res)));
  });

  router.post(`${base}/Verifications/:sid`, async (req, res) => {
    const ctx = context(deps, req, res);
    const form = parseForm(updateForm, req.body);
    const record = await ownVerification(deps, fromTwilioSid(String(req.params.sid)), client(res));
    if (form.Status === 'approved') {
      throw invalidParameter('Status', 'approving without a code is not supported by Sendcode');
    }
    await cancelRecord(deps, record.id);
    const updated = await deps.store.get(record.id, deps.now());
    if (!updated) throw notFound(req.originalUrl);
    res.json(presentTwilioVerification(updated, ctx));
  });

  router.post(`${base}/VerificationCheck`, async (req, res) => {
    const ctx = context(deps, req, res);
    const form = parseForm(checkForm, req.body);
    const id =
      form.VerificationSid !== undefined
        ? pathVerificationId(fromTwilioSid(form.VerificationSid))
        : form.To !== undefined
          ? (await findByDestination(deps, client(res), form.To, 'sign_in')).id
          : undefined;
    if (!id) throw invalidParameter('To', 'To or VerificationSid is required');
    const { record, outcome } = await checkVerification(deps, id, client(res), form.Code);
    if (outcome.status === 'locked' && !outcome.transitioned) throw maxCheckAttempts();
    if (isOver(outcome)) {
      // Twilio forgets a verification once it is over, so a check of it is a 20404; we keep approved
      // ones re-checkable with the right code only (see README). By To, the same 20404 as nothing
      // pending, so a wrong code cannot tell an approved verification from none.
      throw form.To === undefined ? notFound(req.originalUrl) : nothingForDestination();
    }
    const view = presentTwilioVerification(
      { ...record, status: outcome.status, updatedAt: deps.now() },
      { ...ctx, ...(form.To === undefined ? {} : { to: form.To }) },
    );
    res.json({
      sid: view.sid,
      service_sid: view.service_sid,
      account_sid: view.account_sid,
      to: view.to,
      channel: view.channel,
      status: STATUS_TO_TWILIO[outcome.status],
      valid: outcome.valid,
      amount: null,
      payee: null,
      date_created: view.date_created,
      date_updated: view.date_updated,
      sna_attempts_error_codes: [],
    });
  });

  router.use((req) => {
    throw notFound(req.originalUrl);
  });
  router.use(twilioErrorHandler(deps));
  return router;
}

/**
 * A check Twilio would answer 20404: the verification was already over (expired, canceled, failed),
 * or it is approved and this check was refused (a wrong code, or attempts used up). Pending and the
 * check that locks it are answered; a locked one is 60202 before this.
 */
function isOver(outcome: CheckAnswer['outcome']): boolean {
  if (outcome.status === 'approved') return refusedAfterApproval(outcome);
  return outcome.status !== 'pending' && outcome.status !== 'locked';
}

const SERVICE_SID = /^VA[0-9a-fA-F]{32}$/;

/** The service and account of this request; an unknown-looking Service SID is a 20404, like Twilio's. */
function context(deps: GatewayDeps, req: Request, res: Response): TwilioContext {
  const serviceSid = String(req.params.serviceSid);
  if (!SERVICE_SID.test(serviceSid)) throw notFound(req.originalUrl);
  const caller = res.locals.twilio as TwilioCaller;
  return { serviceSid, accountSid: caller.accountSid, publicUrl: deps.publicUrl };
}

function client(res: Response): ApiClient {
  return res.locals.client as ApiClient;
}

function answerId(body: unknown): string {
  const id = typeof body === 'object' && body !== null && 'id' in body ? body.id : undefined;
  if (typeof id !== 'string') throw new Error('startVerification answered without an id');
  return id;
}
