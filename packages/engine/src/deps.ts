import type { Channel } from '@sendcode/channels';
import type { ChannelName, KeyRing } from '@sendcode/policy';
import type { Logger } from '@sendcode/runtime';
import type {
  Admission,
  CircuitBreaker,
  DeliveryQueues,
  Durability,
  ProviderHealth,
  ReceiptDue,
  SendWatch,
  SpendLedger,
  VerificationStore,
} from '@sendcode/store';
import type { EngineConfig } from './config.ts';
import type { EngineMetrics } from './metrics.ts';
import type { ProviderRouting } from './routing.ts';

/** What every engine operation needs; the apps build it once and pass it in. */
export interface EngineDeps {
  readonly store: VerificationStore;
  readonly queues: DeliveryQueues;
  /** Receipt timeouts: scheduled when a send is accepted, cancelled when its receipt comes. */
  readonly receiptDue: ReceiptDue;
  /**
   * Sends in flight: each is watched from just before it is recorded until it was accepted with its
   * receipt timeout scheduled, so the workers' reconciler can finish what a failure left half done.
   */
  readonly watch: SendWatch;
  /** Sends the commands `send` issues, without awaiting between them, to Redis in one write (`Stores.together`). */
  together<T>(send: () => T): T;
  /**
   * Durable accept: a start answers 201, and a worker lets a sent job complete, only once the writes
   * that promise it reached `REDIS_WAIT_REPLICAS` replicas (off by default).
   */
  readonly durable: Durability;
  readonly config: EngineConfig;
  /** Keys: sealed plans are opened to count each send against its destination's limits. */
  readonly ring: KeyRing;
  /** Limits: every send to a destination (first, resend, failover) counts against its windows. */
  readonly admission: Admission;
  /** Providers' delivery health: receipts and receipt timeouts are counted in it. */
  readonly health: ProviderHealth;
  readonly metrics: EngineMetrics;
  readonly logger: Logger;
  readonly now: () => number;
  /**
   * Whether a channel has any provider at all. The workers know; the gateway, which holds no
   * adapters, leaves it out and lets a worker fail over again if a step turns out unusable.
   */
  readonly usable?: (channel: ChannelName) => boolean;
}

/** Adapters per channel, in the order to try them. */
export type ChannelSet = { readonly [C in ChannelName]: readonly Channel<C>[] };

/**
 * What the delivery processor needs on top: adapters, keys to unseal, circuit breakers, routing by
 * delivery health, the spend ledger.
 */
export interface SenderDeps extends EngineDeps {
  readonly spend: SpendLedger;
  readonly channels: ChannelSet;
  readonly circuit: CircuitBreaker;
  /** Orders a channel's providers for each send by their delivery health. */
  readonly routing: ProviderRouting;
  /** Pauses a channel's queue (BullMQ `worker.rateLimit`) when every provider answered 429. */
  readonly rateLimit: (channel: ChannelName, ms: number) => Promise<void>;
}
