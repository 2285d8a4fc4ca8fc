import type { Logger } from '@sendcode/runtime';
import type { DeliveryJob, ReceiptDue } from '@sendcode/store';
import { type Sweeper, startSweeper } from './sweeper.ts';

export interface ReceiptSweeperOptions {
  readonly due: ReceiptDue;
  /** Runs one due receipt timeout (`createReceiptTimeoutProcessor`). */
  readonly run: (job: DeliveryJob) => Promise<void>;
  readonly logger: Logger;
  readonly now: () => number;
  /** Pause between sweeps that found less than a full batch. */
  readonly intervalMs?: number;
  /** How long a claimed entry is left to its sweeper before it comes due again. */
  readonly leaseMs?: number;
  /** Entries claimed (and run concurrently) at once. */
  readonly batch?: number;
}

export type ReceiptSweeper = Sweeper;

export const RECEIPT_SWEEP_DEFAULTS = { intervalMs: 250, leaseMs: 30_000, batch: 100 } as const;

/**
 * Runs the receipt timeouts that came due: every `intervalMs` it claims up to `batch` due entries of
 * the due set, runs each and removes it once it ran (`startSweeper`). A timeout that throws is logged
 * and stays in the set: it comes due again when its lease ends.
 */
export function startReceiptSweeper(options: ReceiptSweeperOptions): ReceiptSweeper {
  const { due, run } = options;
  return startSweeper({
    claim: (nowMs, leaseMs, limit) => due.claim(nowMs, leaseMs, limit),
    run: async (job) => {
      await run(job);
      await due.cancel(job);
    },
    failed: 'receipt timeout failed',
    logger: options.logger,
    now: options.now,
    intervalMs: options.intervalMs ?? RECEIPT_SWEEP_DEFAULTS.intervalMs,
    leaseMs: options.leaseMs ?? RECEIPT_SWEEP_DEFAULTS.leaseMs,
    batch: options.batch ?? RECEIPT_SWEEP_DEFAULTS.batch,
  });
}
