import type { Logger } from '@sendcode/runtime';
import type { DeliveryJob } from '@sendcode/store';

/** Options of `startSweeper`. */
export interface SweeperOptions {
  /** Claims up to `limit` entries due at `nowMs`, each leased for `leaseMs` (the due set's or the send watch's `claim`). */
  readonly claim: (nowMs: number, leaseMs: number, limit: number) => Promise<DeliveryJob[]>;
  /** Handles one claimed entry, and removes or reschedules it; an entry whose run throws comes due again when its lease ends. */
  readonly run: (job: DeliveryJob) => Promise<void>;
  /** What a failed run is logged as, e.g. 'receipt timeout failed'. */
  readonly failed: string;
  readonly logger: Logger;
  readonly now: () => number;
  readonly intervalMs: number;
  readonly leaseMs: number;
  readonly batch: number;
  /**
   * After a full batch, claim again at once (default) rather than wait for the next interval. Off,
   * a sweep takes at most `batch` entries a tick: a bound on the load a large set can put on Redis.
   */
  readonly drain?: boolean;
}

/** A running sweeper. */
export interface Sweeper {
  /** Stops sweeping; resolves once the sweep under way (if any) has finished. */
  stop(): Promise<void>;
}

/**
 * Every `intervalMs` claims up to `batch` due entries of a leased sorted set and runs them
 * concurrently; after a full batch it claims again at once (unless `drain` is off). A run that throws is logged and left to
 * its lease: the entry comes due again when it ends. Any number of worker processes may sweep one
 * set at once: a claim leases what it returns, so each due entry goes to one sweeper (again only if
 * that one did not finish it within the lease).
 */
export function startSweeper(options: SweeperOptions): Sweeper {
  const { claim, run, failed, logger, now, intervalMs, leaseMs, batch, drain = true } = options;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let sweeping: Promise<void> | undefined;

  const runOne = async (job: DeliveryJob) => {
    try {
      await run(job);
    } catch (error) {
      logger.warn({ err: error, send: job.send }, `${failed}; retried after its lease`);
    }
  };

  const sweep = async () => {
    for (;;) {
      const jobs = await claim(now(), leaseMs, batch);
      await Promise.all(jobs.map(runOne));
      if (jobs.length < batch || stopped || !drain) return;
    }
  };

  const tick = () => {
    timer = undefined;
    sweeping = sweep()
      .catch((error: unknown) => logger.warn({ err: error }, `${failed}: sweep failed`))
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
