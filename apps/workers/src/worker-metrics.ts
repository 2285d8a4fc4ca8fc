import { CARRIERS, registerProviderHealthMetrics } from '@sendcode/engine';
import { CHANNELS, type ProviderHealthRules } from '@sendcode/policy';
import type { Logger } from '@sendcode/runtime';
import type { CircuitBreaker, DeliveryQueues, ProviderHealth, ReceiptDue } from '@sendcode/store';
import { Gauge, type Registry } from 'prom-client';
import { registerQueueMetrics, registerReceiptMetrics } from './queue-metrics.ts';

export interface WorkerMetricsOptions {
  readonly circuit: CircuitBreaker;
  readonly health: ProviderHealth;
  readonly rules: ProviderHealthRules;
  readonly queues: DeliveryQueues;
  readonly receiptDue: ReceiptDue;
  /**
   * Queue depth and awaited receipts are the same for every process: each scrape gives them only
   * while this is true (the process holds the queue-metrics lease); undefined: never.
   */
  readonly exportingQueueMetrics: (() => boolean) | undefined;
  readonly logger: Logger;
  readonly now: () => number;
}

/**
 * The gauges read from Redis at scrape time: every provider API's circuit and delivery health, and,
 * in the one process holding the queue-metrics lease, the queues and the receipts awaited. (The counters of sends
 * are the engine's, registered with its metrics.)
 */
export function registerWorkerMetrics(registry: Registry, options: WorkerMetricsOptions): void {
  const { logger } = options;
  registerCircuitMetrics(registry, options.circuit);
  registerProviderHealthMetrics(registry, options.health, options.rules, logger, options.now);
  const exporting = options.exportingQueueMetrics;
  if (exporting === undefined) return;
  registerQueueMetrics(registry, options.queues.all(), logger, exporting);
  registerReceiptMetrics(registry, options.receiptDue, logger, exporting);
}

const BREAKERS = CHANNELS.flatMap((channel) => CARRIERS[channel].map((provider) => ({ provider, channel })));

/** `sendcode_provider_circuit_open`: 1 while a provider API's circuit is open or half-open. */
function registerCircuitMetrics(registry: Registry, circuit: CircuitBreaker): void {
  new Gauge({
    name: 'sendcode_provider_circuit_open',
    help: '1 while the circuit breaker of a provider’s API for a channel is open or half-open (shared by every worker, read from Redis).',
    labelNames: ['provider', 'channel'],
    registers: [registry],
    async collect() {
      const states = await circuit.states(
        BREAKERS.map(({ provider, channel }) => `${provider}:${channel}` as const),
      );
      for (const { provider, channel } of BREAKERS) {
        this.set({ provider, channel }, states[`${provider}:${channel}`] === 'closed' ? 0 : 1);
      }
    },
  });
}
