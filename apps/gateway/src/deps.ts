import type { StartDeps } from '@sendcode/engine';
import type { KeyRing } from '@sendcode/policy';
import type { Logger } from '@sendcode/runtime';
import type {
  Admission,
  AuditLog,
  DeliveryQueues,
  IdempotencyStore,
  PrefixGuard,
  SpendLedger,
  SupportIndex,
  VerificationStore,
} from '@sendcode/store';
import type { Registry } from 'prom-client';
import type { GatewayEnv } from './config.ts';
import type { GatewayMetrics } from './metrics.ts';

/** What the routes need, built once by server.ts (or a test) and handed to `createApp`. */
export interface GatewayDeps {
  readonly config: GatewayEnv;
  /** Base URL providers reach us at: PUBLIC_URL, or the address we listen on. Webhook signatures cover it. */
  readonly publicUrl: string;
  readonly store: VerificationStore;
  readonly queues: DeliveryQueues;
  /** Current and previous keys: seals, code HMACs and lookup hashes (rotation by key id). */
  readonly ring: KeyRing;
  readonly admission: Admission;
  readonly idempotency: IdempotencyStore;
  readonly prefixGuard: PrefixGuard;
  readonly supportIndex: SupportIndex;
  /** Who looked up what in the support API (queries hashed). */
  readonly audit: AuditLog;
  readonly spend: SpendLedger;
  /** Starts, failover on receipts, resend, and the delivery and outcome metrics. */
  readonly engine: StartDeps;
  readonly registry: Registry;
  readonly metrics: GatewayMetrics;
  readonly logger: Logger;
  /** Resolves when Redis answers; rejects otherwise. */
  readonly ping: () => Promise<unknown>;
  readonly now: () => number;
}
