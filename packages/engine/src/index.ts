export { parseSendReference, sendReference, statusCallbackUrl } from './callbacks.ts';
export {
  circuitConfig,
  durableConfig,
  type EngineConfig,
  type EngineEnv,
  engineConfig,
  engineEnv,
  providerHealthConfig,
} from './config.ts';
export { reportConfigWarnings } from './config-warnings.ts';
export { createDeliveryProcessor } from './deliver/processor.ts';
export type { ChannelSet, EngineDeps, SenderDeps } from './deps.ts';
export { type FailedSend, type FailoverOptions, type FailoverResult, failover } from './failover.ts';
export { registerProviderHealthMetrics } from './health-metrics.ts';
export {
  CARRIERS,
  createEngineMetrics,
  type EngineMetrics,
  type Outcome,
  RECONCILE_KINDS,
  type ReconcileKind,
} from './metrics.ts';
export {
  RECEIPT_SWEEP_DEFAULTS,
  type ReceiptSweeper,
  type ReceiptSweeperOptions,
  startReceiptSweeper,
} from './receipt-sweeper.ts';
export { createReceiptTimeoutProcessor } from './receipt-timeout.ts';
export { receiptWaitMs } from './receipt-wait.ts';
export { applyReceipt, type Receipt, type ReceiptResult } from './receipts.ts';
export { registerRedisMemoryMetrics } from './redis-memory-metrics.ts';
export { type ResendResult, resend } from './resend.ts';
export { createProviderRouting, type ProviderRouting, type ProviderRoutingOptions } from './routing.ts';
export { chargeSend, type SendCharge } from './send-limits.ts';
export {
  createSendReconciler,
  RECONCILE_DEFAULTS,
  type SendReconcilerOptions,
  startSendReconciler,
  type WatchAction,
  watchAction,
  watchSend,
} from './send-reconciler.ts';
export { CREATE_CLAIM_MS } from './start/admit.ts';
export { destinationRules, type LimitKeys, limitRules } from './start/limits.ts';
export { startVerification } from './start/start.ts';
export type {
  StartDefaults,
  StartDeps,
  StartRefusal,
  StartRequest,
  StartResult,
} from './start/types.ts';
export { type Sweeper, type SweeperOptions, startSweeper } from './sweeper.ts';
