import type { Request, RequestHandler, Response } from 'express';
import type { SandboxContext } from '../context.ts';
import { pause } from '../pause.ts';
import { HANG_LIMIT_MS } from './fault.ts';

/** How one provider API answers the faults that replace its answer. */
export interface FaultAnswers {
  /** Its answer to an overloaded or throttled client, with this HTTP status. */
  error(res: Response, status: number): void;
  /** Its permanent refusal of the destination. */
  reject(req: Request, res: Response): void;
}

/**
 * What the handler should do about receipts once it accepts the request: send the positive ones,
 * the negative ones, or none.
 */
export type ReceiptOutcome = 'delivered' | 'undelivered' | 'none';

export type AcceptingHandler = (req: Request, res: Response, receipts: ReceiptOutcome) => void;

/**
 * Wraps a fake provider endpoint: counts the call, then lets the fault that hits it (if any) delay,
 * replace or hang the answer, or change the receipts that follow.
 */
export function withFaults(
  context: SandboxContext,
  endpoint: { readonly provider: 'twilio' | 'vonage'; readonly channel: 'sms' | 'voice' },
  answers: FaultAnswers,
  handler: AcceptingHandler,
): RequestHandler {
  return async (req, res) => {
    context.requests.count(`${endpoint.provider}:${endpoint.channel}`);
    const fault = context.faults.take(endpoint.provider, endpoint.channel);
    if (fault === undefined) {
      handler(req, res, 'delivered');
      return;
    }
    const hungUp = new AbortController();
    res.once('close', () => hungUp.abort());
    if (!(await pause(fault.latencyMs, hungUp.signal))) return;
    switch (fault.mode) {
      case 'error':
        answers.error(res, fault.status ?? 503);
        return;
      case 'reject':
        answers.reject(req, res);
        return;
      case 'timeout':
        // Hold the socket until the client gives up; past the limit, drop it without an answer.
        if (await pause(HANG_LIMIT_MS, hungUp.signal)) res.destroy();
        return;
      case 'no_receipt':
        handler(req, res, 'none');
        return;
      case 'undelivered':
        handler(req, res, 'undelivered');
        return;
      case 'require_dkim':
        // SMTP only: the fault schema refuses it for these providers.
        handler(req, res, 'delivered');
        return;
    }
  };
}
