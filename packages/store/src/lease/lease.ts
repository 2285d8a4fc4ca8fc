import { randomUUID } from 'node:crypto';
import type { Logger } from '@sendcode/runtime';
import type { RedisConnection } from '../core/connection.ts';
import { DEFAULT_PREFIX } from '../core/keys.ts';
import { loadScripts, scriptRunner } from '../core/scripts.ts';

const SCRIPTS = loadScripts(import.meta.url, ['leaseHold', 'leaseRelease']);

/**
 * A short lease in Redis that one process of many holds at a time: the process holding it does a
 * job the others must not do too (export the queue gauges, say). The holder renews it well within
 * its time; when the holder dies, the lease runs out and another process takes it.
 */
export interface Lease {
  /** Takes the lease or keeps it; true while this process holds it. */
  hold(): Promise<boolean>;
  /** Gives it back if held, so another process takes it at once (graceful shutdown). */
  release(): Promise<void>;
}

export interface LeaseOptions {
  /** A connection the caller owns (and closes). */
  readonly redis: RedisConnection;
  /** Key prefix; default `sc`. */
  readonly prefix?: string;
  /** What the lease is for: part of its key. */
  readonly name: string;
  /** How long a lease lasts without renewal, ms. */
  readonly ttlMs: number;
  /** This process's id; default a random one. */
  readonly owner?: string;
}

/** Key of a lease: `${prefix}:lease:${name}`, holding the owner's id. */
export function leaseKey(prefix: string, name: string): string {
  return `${prefix}:lease:${name}`;
}

export function createLease(options: LeaseOptions): Lease {
  const { redis, prefix = DEFAULT_PREFIX, name, ttlMs, owner = randomUUID() } = options;
  const run = scriptRunner(redis, SCRIPTS);
  const key = leaseKey(prefix, name);
  return {
    async hold() {
      return (await run('leaseHold', [key], [owner, ttlMs])) === 1;
    },
    async release() {
      await run('leaseRelease', [key], [owner]);
    },
  };
}

/** A lease kept by a timer: renewed every `renewMs` (well under its time), released on stop. */
export interface KeptLease {
  /** Whether this process held the lease at the last renewal. */
  holding(): boolean;
  /** Stops renewing and gives the lease back if held. */
  stop(): Promise<void>;
}

/**
 * Keeps trying for `lease` every `renewMs`, and keeps it once held. A renewal Redis does not answer
 * counts as not holding: the process stops doing the lease's job rather than risk doing it twice.
 */
export function keepLease(lease: Lease, renewMs: number, logger: Logger): KeptLease {
  let holding = false;
  const renew = () =>
    lease.hold().then(
      (held) => {
        holding = held;
      },
      (error: unknown) => {
        holding = false;
        logger.warn({ err: error }, 'lease: Redis did not answer');
      },
    );
  let last = renew();
  const timer = setInterval(() => {
    last = renew();
  }, renewMs);
  timer.unref();
  return {
    holding: () => holding,
    async stop() {
      clearInterval(timer);
      await last;
      if (holding) await lease.release().catch(() => undefined);
      holding = false;
    },
  };
}
