import { CHANNELS, STATUSES } from '@sendcode/policy';
import { z } from 'zod';
import { API_ERROR_STATUS, type ApiErrorCode } from './errors.ts';

/**
 * Response shapes of the native API, for the OpenAPI document only (the routes build answers with
 * `presentVerification` and friends). Enums come from the tables the code uses (statuses, channels,
 * error codes), and test/e2e/openapi.test.ts validates live answers against these schemas.
 */

const planStep = z.object({ channel: z.enum(CHANNELS), to: z.string().meta({ description: 'masked' }) });
const timestamp = z.iso.datetime();

/** A verification: create, get, resend. */
export const verificationView = z.object({
  id: z.string().regex(/^ver_[0-9a-f]{32}$/),
  status: z.enum(STATUSES),
  channel: z.enum(CHANNELS).meta({ description: 'Channel of the latest send.' }),
  to: z.string().meta({ description: 'Masked destination of the latest send.' }),
  plan: z.array(planStep),
  purpose: z.string(),
  createdAt: timestamp,
  expiresAt: timestamp,
  remainingAttempts: z.int().min(0),
  sends: z.int().min(0),
  warnings: z.array(z.string()).optional().meta({ description: 'On create, e.g. carrier_mail_domain.' }),
  timeline: z
    .array(z.looseObject({ type: z.string(), at: timestamp }))
    .optional()
    .meta({ description: 'On GET: the masked timeline.' }),
});

/** A check, by id or by destination. */
export const checkResult = z.object({
  id: z.string(),
  valid: z.boolean(),
  status: z.enum(STATUSES),
  remainingAttempts: z.int().min(0),
});

/** A cancel: the status after it. */
export const cancelResult = z.object({ id: z.string(), status: z.enum(STATUSES) });

/** Every error: `{"error":{"code","message","details"?}}`. */
export const apiErrorBody = z.object({
  error: z.object({
    code: z.enum(Object.keys(API_ERROR_STATUS) as [ApiErrorCode, ...ApiErrorCode[]]),
    message: z.string(),
    details: z.record(z.string(), z.unknown()).optional(),
  }),
});
