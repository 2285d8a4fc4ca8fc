import {
  BLOCK_REASONS,
  type BlockReason,
  CHANNELS,
  type ChannelName,
  LIMIT_SCOPES,
  type LimitScope,
  PURPOSES,
  RECEIPT_PROVIDERS,
  type ReceiptProvider,
} from '@sendcode/policy';
import { Counter, Histogram, type Registry } from 'prom-client';

/** Check results as counted in `sendcode_verification_checks_total`. */
export const CHECK_RESULTS = ['valid', 'invalid', 'expired', 'locked'] as const;
export type CheckResult = (typeof CHECK_RESULTS)[number];

/** Why a provider webhook was refused, for `sendcode_webhook_rejected_total` (by `RECEIPT_PROVIDERS`). */
export const WEBHOOK_REJECTIONS = ['unsigned', 'invalid_signature', 'replayed'] as const;
export type WebhookRejection = (typeof WEBHOOK_REJECTIONS)[number];

/** Purposes outside the known list are counted as `other`, so clients cannot inflate label cardinality. */
const PURPOSE_LABELS = [...PURPOSES, 'other'] as const;

/**
 * The gateway's own metrics (outcomes and receipts are the engine's, on the same registry); every
 * label value starts at 0.
 */
export function createGatewayMetrics(registry: Registry) {
  const started = new Counter({
    name: 'sendcode_verifications_started_total',
    help: 'Verifications accepted, by first channel and purpose.',
    labelNames: ['channel', 'purpose'],
    registers: [registry],
  });
  const checks = new Counter({
    name: 'sendcode_verification_checks_total',
    help: 'Code checks, by result.',
    labelNames: ['result'],
    registers: [registry],
  });
  const timeToVerify = new Histogram({
    name: 'sendcode_time_to_verify_seconds',
    help: 'From verification start to approval, by channel of the last send.',
    labelNames: ['channel'],
    buckets: [5, 10, 20, 30, 45, 60, 90, 120, 180, 300, 600],
    registers: [registry],
  });
  for (const channel of CHANNELS) {
    for (const purpose of PURPOSE_LABELS) started.inc({ channel, purpose }, 0);
    timeToVerify.zero({ channel });
  }
  for (const result of CHECK_RESULTS) checks.inc({ result }, 0);
  const limited = new Counter({
    name: 'sendcode_rate_limited_total',
    help: 'Requests refused with 429, by the limit that refused them.',
    labelNames: ['scope'],
    registers: [registry],
  });
  const blocked = new Counter({
    name: 'sendcode_blocked_total',
    help: 'Starts refused by the fraud guard (403 destination_blocked), by reason.',
    labelNames: ['reason'],
    registers: [registry],
  });
  const webhookRejected = new Counter({
    name: 'sendcode_webhook_rejected_total',
    help: 'Provider webhooks refused: unsigned, badly signed or replayed.',
    labelNames: ['provider', 'reason'],
    registers: [registry],
  });
  for (const scope of LIMIT_SCOPES) limited.inc({ scope }, 0);
  for (const reason of BLOCK_REASONS) blocked.inc({ reason }, 0);
  for (const provider of RECEIPT_PROVIDERS) {
    for (const reason of WEBHOOK_REJECTIONS) webhookRejected.inc({ provider, reason }, 0);
  }

  return {
    started(channel: ChannelName, purpose: string) {
      const label = (PURPOSES as readonly string[]).includes(purpose) ? purpose : 'other';
      started.inc({ channel, purpose: label });
    },
    checked(result: CheckResult) {
      checks.inc({ result });
    },
    verified(channel: ChannelName, seconds: number) {
      timeToVerify.observe({ channel }, seconds);
    },
    limited(scope: LimitScope) {
      limited.inc({ scope });
    },
    blocked(reason: BlockReason) {
      blocked.inc({ reason });
    },
    webhookRejected(provider: ReceiptProvider, reason: WebhookRejection) {
      webhookRejected.inc({ provider, reason });
    },
  };
}
export type GatewayMetrics = ReturnType<typeof createGatewayMetrics>;
