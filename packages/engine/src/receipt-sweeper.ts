import type { Logger } from '@sendcode/runtime';
import type { DeliveryJob, ReceiptDue } from '@sendcode/store';

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

export interface ReceiptSweeper {
  /** Stops sweeping; resolves once the sweep under way (if any) has finished. */
  stop(): Promise<void>;
}

export const RECEIPT_SWEEP_DEFAULTS = { intervalMs: 250, leaseMs: 30_000, batch: 100 } as const;

/**
 * Runs the receipt timeouts that came due: every `intervalMs` it claims up to `batch` due entries of
 * the due set, runs each and removes it once it ran; after a full batch it claims again at once. A
 * timeout that throws is logged and stays in the set: it comes due again when its lease ends. Any
 * number of worker processes may sweep at once: a claim leases what it returns, so each due entry
 * goes to one sweeper (again only if that one did not finish it within the lease).
 */
export function startReceiptSweeper(options: ReceiptSweeperOptions): ReceiptSweeper {
  const { due, run, logger, now } = options;
  const intervalMs = options.intervalMs ?? RECEIPT_SWEEP_DEFAULTS.intervalMs;
  const leaseMs = options.leaseMs ?? RECEIPT_SWEEP_DEFAULTS.leaseMs;
  const batch = options.batch ?? RECEIPT_SWEEP_DEFAULTS.batch;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let sweeping: Promise<void> | undefined;

  const runOne = async (job: DeliveryJob) => {
    try {
      await run(job);
      await due.cancel(job);
    } catch (error) {
      const { verificationId, send } = job;
      logger.warn({ err: error, verificationId, send }, 'receipt timeout failed; retried after its lease');
    }
  };

  const sweep = async () => {
    for (;;) {
      const jobs = await due.claim(now(), leaseMs, batch);
      await Promise.all(jobs.map(runOne));
      if (jobs.length < batch || stopped) return;
    }
  };

  const tick = () => {
    timer = undefined;
    sweeping = sweep()
      .catch((error: unknown) => logger.warn({ err: error }, 'receipt sweep failed'))
      .finally(() => {
        sweeping = undefined;
        if (!stopped) schedule();
      });
  };
  const schedule = () => {
    timer = setTimeout(tick, intervalMs);
    timer.unref();
  };
  schedule();

  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await sweeping;
    },
  };
}
