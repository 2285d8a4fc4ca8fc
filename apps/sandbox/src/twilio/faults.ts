import { STATUS_CODES } from 'node:http';
import type { FaultAnswers } from '../faults/gate.ts';
import { stringField } from '../fields.ts';
import { invalidTo } from './request.ts';
import { twilioError } from './resources.ts';

/**
 * Twilio's answers to the sandbox's faults: its JSON error with 20429 for a 429, 20500 for a 5xx
 * (the codes the client's RestException carries), and 21211 for a refused destination.
 */
export const twilioFaultAnswers: FaultAnswers = {
  error(res, status) {
    const code = status === 429 ? 20429 : status >= 500 ? 20500 : 20000 + status;
    if (status === 429) res.set('Retry-After', '1');
    res.status(status).json(twilioError(status, code, STATUS_CODES[status] ?? 'Error'));
  },
  reject(req, res) {
    res.status(400).json(invalidTo(stringField(req.body, 'To') ?? ''));
  },
};
