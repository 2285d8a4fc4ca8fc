import { CHANNELS, type ChannelName, type ProviderName } from '@sendcode/policy';
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

export const SEND_RESULTS = ['ok', 'retryable_error', 'permanent_error'] as const;
export type SendResultLabel = (typeof SEND_RESULTS)[number];
const DELIVERY_STATUSES = ['sent', 'delivered', 'undelivered', 'failed'] as const;

/** Which providers can carry which channel: the only label pairs worth pre-initialising. */
const CARRIERS: Readonly<Record<ChannelName, readonly ProviderName[]>> = {
  email: ['smtp'],
  sms: ['twilio', 'vonage'],
  voice: ['twilio', 'vonage'],
};

/** The workers' metrics, on a registry of their own; every label value starts at 0. */
export function createWorkerMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const deliveries = new Counter({
    name: 'sendcode_deliveries_total',
    help: 'Messages by delivery status: sent = accepted by the provider.',
    labelNames: ['channel', 'provider', 'status'],
    registers: [registry],
  });
  const attempts = new Counter({
    name: 'sendcode_send_attempts_total',
    help: 'Provider calls, by result.',
    labelNames: ['channel', 'provider', 'result'],
    registers: [registry],
  });
  const deliverySeconds = new Histogram({
    name: 'sendcode_delivery_seconds',
    help: 'From the send being queued to the provider accepting it.',
    labelNames: ['channel', 'provider'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120],
    registers: [registry],
  });
  for (const channel of CHANNELS) {
    for (const provider of CARRIERS[channel]) {
      for (const status of DELIVERY_STATUSES) deliveries.inc({ channel, provider, status }, 0);
      for (const result of SEND_RESULTS) attempts.inc({ channel, provider, result }, 0);
      deliverySeconds.zero({ channel, provider });
    }
  }
  return {
    registry,
    attempt(channel: ChannelName, provider: ProviderName, result: SendResultLabel) {
      attempts.inc({ channel, provider, result });
    },
    sent(channel: ChannelName, provider: ProviderName, secondsSinceQueued: number) {
      deliveries.inc({ channel, provider, status: 'sent' });
      deliverySeconds.observe({ channel, provider }, secondsSinceQueued);
    },
    failed(channel: ChannelName, provider: ProviderName) {
      deliveries.inc({ channel, provider, status: 'failed' });
    },
  };
}
export type WorkerMetrics = ReturnType<typeof createWorkerMetrics>;
