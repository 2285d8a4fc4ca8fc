import {
  CHANNEL_PROVIDERS,
  CHANNELS,
  type ChannelName,
  FAILOVER_REASONS,
  type ProviderName,
} from '@sendcode/policy';
import { Counter, Histogram, type Registry } from 'prom-client';

export const SEND_RESULTS = ['ok', 'retryable_error', 'permanent_error'] as const;
export type SendResultLabel = (typeof SEND_RESULTS)[number];
export const DELIVERY_STATUSES = ['sent', 'delivered', 'undelivered', 'failed'] as const;
export type DeliveryStatusLabel = (typeof DELIVERY_STATUSES)[number];

/**
 * The `provider` label of a send that failed before any provider was called (its sealed values could
 * not be opened, or its message not rendered): it is counted as a `permanent_error` attempt and a
 * `failed` delivery, so error rates and the delivery SLO see it, without blaming a provider.
 */
export const NO_PROVIDER = 'none';
export type ProviderLabel = ProviderName | typeof NO_PROVIDER;

/** Which providers can carry which channel (the registry's): the only label pairs worth pre-initialising. */
export const CARRIERS: Readonly<Record<ChannelName, readonly ProviderName[]>> = CHANNEL_PROVIDERS;

const OUTCOMES = ['approved', 'expired', 'locked', 'canceled', 'failed'] as const;
/** Plan failovers by their reason, plus `provider_error`: the next provider of the same channel took over. */
const FAILOVER_LABELS = [...FAILOVER_REASONS, 'provider_error'] as const;
export type FailoverLabel = (typeof FAILOVER_LABELS)[number];
export type Outcome = (typeof OUTCOMES)[number];

/**
 * What the send reconciler repaired: `job`, a recorded send without a job was queued again;
 * `receipt_due`, an accepted send without a receipt timeout got one.
 */
export const RECONCILE_KINDS = ['job', 'receipt_due'] as const;
export type ReconcileKind = (typeof RECONCILE_KINDS)[number];

/**
 * Delivery metrics, registered on the caller's registry: the workers count sends and failovers, the
 * gateway counts receipts and the failovers they trigger. Every label value starts at 0 so rates
 * work from the first scrape; labels never carry an id, a destination or a code.
 */
export function createEngineMetrics(registry: Registry) {
  const registers = [registry];
  const deliveries = new Counter({
    name: 'sendcode_deliveries_total',
    help: 'Messages by delivery status: sent = accepted by the provider; delivered/undelivered = receipts; failed = given up.',
    labelNames: ['channel', 'provider', 'status'],
    registers,
  });
  const attempts = new Counter({
    name: 'sendcode_send_attempts_total',
    help: 'Provider calls, by result.',
    labelNames: ['channel', 'provider', 'result'],
    registers,
  });
  const deliverySeconds = new Histogram({
    name: 'sendcode_delivery_seconds',
    help: 'From the send being queued to the provider accepting it.',
    labelNames: ['channel', 'provider'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120],
    registers,
  });
  const receiptSeconds = new Histogram({
    name: 'sendcode_receipt_seconds',
    help: 'From the send being queued to its delivered receipt.',
    labelNames: ['channel', 'provider'],
    buckets: [0.5, 1, 2, 5, 10, 20, 30, 45, 60, 90, 120],
    registers,
  });
  const failovers = new Counter({
    name: 'sendcode_failovers_total',
    help: 'Moves to the next step of a plan, by the channels involved and why.',
    labelNames: ['from_channel', 'to_channel', 'reason'],
    registers,
  });
  const completed = new Counter({
    name: 'sendcode_verifications_completed_total',
    help: 'Verifications that reached a final status, by outcome.',
    labelNames: ['outcome'],
    registers,
  });
  for (const channel of CHANNELS) {
    for (const provider of CARRIERS[channel]) {
      for (const status of DELIVERY_STATUSES) deliveries.inc({ channel, provider, status }, 0);
      for (const result of SEND_RESULTS) attempts.inc({ channel, provider, result }, 0);
      deliverySeconds.zero({ channel, provider });
      receiptSeconds.zero({ channel, provider });
    }
    attempts.inc({ channel, provider: NO_PROVIDER, result: 'permanent_error' }, 0);
    deliveries.inc({ channel, provider: NO_PROVIDER, status: 'failed' }, 0);
    for (const to of CHANNELS) {
      for (const reason of FAILOVER_LABELS)
        failovers.inc({ from_channel: channel, to_channel: to, reason }, 0);
    }
  }
  const reconciled = new Counter({
    name: 'sendcode_sends_reconciled_total',
    help: 'Sends a failure had left half done, repaired by the reconciler: job = queued again (it was recorded without a job), receipt_due = its receipt timeout scheduled (it was accepted without one).',
    labelNames: ['kind'],
    registers,
  });
  for (const outcome of OUTCOMES) completed.inc({ outcome }, 0);
  for (const kind of RECONCILE_KINDS) reconciled.inc({ kind }, 0);

  return {
    attempt(channel: ChannelName, provider: ProviderLabel, result: SendResultLabel) {
      attempts.inc({ channel, provider, result });
    },
    delivery(
      channel: ChannelName,
      provider: ProviderLabel,
      status: DeliveryStatusLabel,
      secondsSinceQueued?: number,
    ) {
      deliveries.inc({ channel, provider, status });
      if (secondsSinceQueued === undefined) return;
      if (status === 'sent') deliverySeconds.observe({ channel, provider }, secondsSinceQueued);
      if (status === 'delivered') receiptSeconds.observe({ channel, provider }, secondsSinceQueued);
    },
    failover(from: ChannelName, to: ChannelName, reason: FailoverLabel) {
      failovers.inc({ from_channel: from, to_channel: to, reason });
    },
    completed(outcome: Outcome) {
      completed.inc({ outcome });
    },
    reconciled(kind: ReconcileKind) {
      reconciled.inc({ kind });
    },
  };
}
export type EngineMetrics = ReturnType<typeof createEngineMetrics>;
