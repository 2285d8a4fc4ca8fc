import type { FaultAnswers } from '../faults/gate.ts';
import { vonageProblem, vonageSmsRefusal, vonageValidationProblem } from './problems.ts';

/** An HTTP error with Vonage's JSON body; 429 is `throttled`, anything else an internal error. */
function httpError(res: Parameters<FaultAnswers['error']>[0], status: number): void {
  const [kind, detail] =
    status === 429
      ? ['throttled', 'You have exceeded the rate limit for this API']
      : ['internal-error', 'The service is temporarily unavailable'];
  if (status === 429) res.set('Retry-After', '1');
  res.status(status).json(vonageProblem(status, kind, detail));
}

/**
 * The SMS API's answers. It throttles with HTTP 200 and per-message status 1 ("Throttled"), which
 * `@vonage/sms` surfaces as an SMSFailure, not as an HTTP error; other errors are HTTP errors.
 * A refused destination is status 3 (invalid parameters).
 */
export const vonageSmsFaultAnswers: FaultAnswers = {
  error(res, status) {
    if (status === 429) res.json(vonageSmsRefusal('1', 'Throttled'));
    else httpError(res, status);
  },
  reject(_req, res) {
    res.json(vonageSmsRefusal('3', 'Invalid to address'));
  },
};

/** The Voice API's answers: HTTP errors, and a 400 naming `to` for a refused destination. */
export const vonageVoiceFaultAnswers: FaultAnswers = {
  error: httpError,
  reject(_req, res) {
    res.status(400).json(vonageValidationProblem(['to']));
  },
};
