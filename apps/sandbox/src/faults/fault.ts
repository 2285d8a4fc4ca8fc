import { z } from 'zod';

/**
 * A fault the sandbox injects into a provider's API (`POST /faults`):
 * - `error`: the provider's answer to an overloaded or throttled client, with HTTP `status` (503);
 * - `timeout`: no answer at all, until the client gives up (at most a minute);
 * - `reject`: a permanent refusal of the destination;
 * - `no_receipt`: accepted, but no receipt ever comes;
 * - `undelivered`: accepted, then a negative receipt;
 * - `require_dkim` (SMTP only): the message is refused with a 550 unless a DKIM signature on it
 *   verifies, as Japanese carriers' spoofing filters (なりすまし規制) refuse unsigned mail.
 * `latencyMs` delays whatever the answer is; `rate` is the chance a matching request is hit;
 * `count` limits the fault to the next N requests it hits.
 */
export const FAULT_MODES = [
  'error',
  'timeout',
  'reject',
  'no_receipt',
  'undelivered',
  'require_dkim',
] as const;
export type FaultMode = (typeof FAULT_MODES)[number];

/** The longest a fault holds a request: `timeout` hangs this long, `latencyMs` may not exceed it. */
export const HANG_LIMIT_MS = 60_000;

const CHANNELS_BY_PROVIDER = { smtp: ['email'], twilio: ['sms', 'voice'], vonage: ['sms', 'voice'] } as const;

export const faultSchema = z
  .strictObject({
    provider: z.enum(['twilio', 'vonage', 'smtp']),
    channel: z.enum(['email', 'sms', 'voice']).optional(),
    mode: z.enum(FAULT_MODES),
    status: z.number().int().min(400).max(599).optional(),
    rate: z.number().min(0).max(1).default(1),
    latencyMs: z.number().int().min(0).max(HANG_LIMIT_MS).default(0),
    count: z.number().int().positive().optional(),
  })
  .superRefine((fault, context) => {
    const channels: readonly string[] = CHANNELS_BY_PROVIDER[fault.provider];
    if (fault.channel !== undefined && !channels.includes(fault.channel)) {
      context.addIssue({
        code: 'custom',
        path: ['channel'],
        message: `${fault.provider} serves ${channels.join(' and ')}, not ${fault.channel}`,
      });
    }
    if (fault.provider === 'smtp' && (fault.mode === 'no_receipt' || fault.mode === 'undelivered')) {
      context.addIssue({
        code: 'custom',
        path: ['mode'],
        message: 'smtp sends no delivery receipts: use error, timeout, reject or require_dkim',
      });
    }
    if (fault.provider !== 'smtp' && fault.mode === 'require_dkim') {
      context.addIssue({ code: 'custom', path: ['mode'], message: 'require_dkim only applies to smtp' });
    }
    if (fault.status !== undefined && fault.mode !== 'error') {
      context.addIssue({ code: 'custom', path: ['status'], message: 'status only applies to mode error' });
    }
  });

/** A fault as posted, before defaults. */
export type FaultSpec = z.input<typeof faultSchema>;

/** An active fault; `count` is how many more requests it will hit (unset: no limit). */
export type Fault = z.output<typeof faultSchema> & { readonly id: string };
