import type { deriveKeys } from '@sendcode/policy';
import type { Logger } from '@sendcode/runtime';
import type { DeliveryQueues, VerificationStore } from '@sendcode/store';
import type { GatewayEnv } from './config.ts';
import type { GatewayMetrics } from './metrics.ts';

/** What the routes need, built once by main.ts (or a test) and handed to `createApp`. */
export interface GatewayDeps {
  readonly config: GatewayEnv;
  readonly store: VerificationStore;
  readonly queues: DeliveryQueues;
  readonly keys: ReturnType<typeof deriveKeys>;
  readonly metrics: GatewayMetrics;
  readonly logger: Logger;
  /** Resolves when Redis answers; rejects otherwise. */
  readonly ping: () => Promise<unknown>;
  readonly now: () => number;
}
