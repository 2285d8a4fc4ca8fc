import {
  deliveredRatio,
  deliveryWindow,
  meanReceiptSeconds,
  type ProviderHealthRules,
  type ProviderName,
} from '@sendcode/policy';
import type { Logger } from '@sendcode/runtime';
import type { HealthSnapshot, ProviderHealth } from '@sendcode/store';
import { Gauge, type Registry } from 'prom-client';
import { CARRIERS } from './metrics.ts';
import { within } from './within.ts';

/** The provider APIs with receipts: SMS and voice (email has none). */
const APIS = (['sms', 'voice'] as const).flatMap((channel) =>
  CARRIERS[channel].map((provider) => ({ provider, channel, api: `${provider}:${channel}` as const })),
);

/** One read of Redis serves the three gauges of one scrape. */
const READ_REUSE_MS = 1_000;
/** Redis that does not answer must not hang the scrape: give up and export nothing instead. */
const COLLECT_TIMEOUT_MS = 2_000;

/**
 * Exports each provider API's delivery health as the routing sees it, read from Redis (so every
 * process with the store can; the workers do): `sendcode_provider_delivery_ratio` (delivered ÷
 * outcomes over the window; absent while there are none), `sendcode_provider_receipt_latency_seconds`
 * (mean acceptance → delivered receipt over the window; absent while nothing was delivered) and
 * `sendcode_provider_demoted` (1 while the routing keeps first sends from it: demoted, or recovering).
 * When Redis does not answer within 2 s the scrape goes on without them (logged), as it does for the
 * queue metrics.
 */
export function registerProviderHealthMetrics(
  registry: Registry,
  health: ProviderHealth,
  rules: ProviderHealthRules,
  logger: Logger,
  now: () => number,
): void {
  type Api = (typeof APIS)[number]['api'];
  let last: { at: number; read: Promise<Record<Api, HealthSnapshot>> } | undefined;
  const read = () => {
    const fresh =
      last !== undefined && now() - last.at < READ_REUSE_MS
        ? last
        : { at: now(), read: within(health.read(APIS.map(({ api }) => api)), COLLECT_TIMEOUT_MS) };
    last = fresh;
    return fresh.read;
  };
  const labelNames = ['provider', 'channel'] as const;
  const each = async (
    set: (labels: { provider: ProviderName; channel: string }, s: HealthSnapshot) => void,
  ) => {
    const snapshots = await read().catch((error: unknown) => {
      logger.warn({ err: error }, 'provider health metrics: Redis did not answer');
    });
    if (!snapshots) return;
    for (const { provider, channel, api } of APIS) set({ provider, channel }, snapshots[api]);
  };

  new Gauge({
    name: 'sendcode_provider_delivery_ratio',
    help: 'Delivered receipts ÷ (delivered + negative receipts + receipt timeouts) of a provider’s recent sends on a channel (the routing window), shared by every process (read from Redis).',
    labelNames,
    registers: [registry],
    async collect() {
      this.reset();
      await each((labels, snapshot) => {
        const ratio = deliveredRatio(deliveryWindow(snapshot.buckets, now(), rules));
        if (ratio !== undefined) this.set(labels, ratio);
      });
    },
  });
  new Gauge({
    name: 'sendcode_provider_receipt_latency_seconds',
    help: 'Mean time from a provider accepting a message to its delivered receipt, over the routing window (read from Redis).',
    labelNames,
    registers: [registry],
    async collect() {
      this.reset();
      await each((labels, snapshot) => {
        const seconds = meanReceiptSeconds(deliveryWindow(snapshot.buckets, now(), rules));
        if (seconds !== undefined) this.set(labels, seconds);
      });
    },
  });
  new Gauge({
    name: 'sendcode_provider_demoted',
    help: '1 while a provider is demoted for not delivering on a channel, or recovering (its share of first sends growing back); 0 otherwise.',
    labelNames,
    registers: [registry],
    async collect() {
      this.reset();
      await each((labels, snapshot) => this.set(labels, snapshot.route.state === 'healthy' ? 0 : 1));
    },
  });
}
