import { z } from 'zod';
import { channel, verificationId, verificationStatus } from './values.ts';

/**
 * Answers of the native API. The routes build them with `presentVerification` and friends; these
 * schemas document them in the OpenAPI document, type them in @sendcode/client (`z.output`), and
 * test/e2e/openapi.test.ts validates live answers against them, so a drift fails a test.
 */

/** One step of the delivery plan; `to` is masked in every answer. */
export const planStep = z.object({ channel, to: z.string().meta({ description: 'masked' }) });
const timestamp = z.iso.datetime();

/** One event of the masked timeline: its type and time, and whatever else the event carries. */
export const timelineEvent = z.looseObject({
  type: z.string(),
  at: timestamp,
  channel: channel.optional(),
  provider: z.string().optional(),
  to: z.string().optional().meta({ description: 'masked' }),
});

/** A verification: create, get, resend. Destinations masked, never the code. */
export const verificationView = z.object({
  /** `ver_` + 32 hex digits. */
  id: verificationId,
  status: verificationStatus,
  channel: channel.meta({ description: 'Channel of the latest send.' }),
  to: z.string().meta({ description: 'Masked destination of the latest send.' }),
  plan: z.array(planStep),
  purpose: z.string(),
  createdAt: timestamp,
  expiresAt: timestamp,
  remainingAttempts: z.int().min(0),
  sends: z.int().min(0),
  warnings: z.array(z.string()).optional().meta({ description: 'On create, e.g. carrier_mail_domain.' }),
  timeline: z.array(timelineEvent).optional().meta({ description: 'On GET: the masked timeline.' }),
});

/**
 * A check, by id or by destination. A wrong code is `valid: false`, not an error, while the
 * verification is pending (or expired, locked, canceled, failed: every wrong code counts, whatever
 * the status). Against an approved verification a wrong code, or the right one once the attempts are
 * used up, is an error instead: `verification_not_pending` (409, `details.remainingAttempts`) by id,
 * `not_found` (404) by destination. So `status: 'approved'` always means the code was right.
 */
export const checkResult = z.object({
  id: z.string(),
  valid: z.boolean(),
  status: verificationStatus,
  remainingAttempts: z.int().min(0),
});

/** A cancel: the status after it (a final verification is left as it was). */
export const cancelResult = z.object({ id: z.string(), status: verificationStatus });
