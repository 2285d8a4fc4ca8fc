import type { ChannelName } from '@sendcode/policy';
import type { DeliveryJob, DeliveryView, VerificationRecord } from '@sendcode/store';
import type { EngineConfig } from './config.ts';
import type { EngineDeps } from './deps.ts';
import { receiptWaitMs } from './receipt-wait.ts';
import { type Sweeper, startSweeper } from './sweeper.ts';

/** The longest pause between two looks at a send waiting for a worker, so a backlog costs little. */
const MAX_RECHECK_MS = 60_000;

/**
 * Puts a send on the watch before it is recorded (the first send, a resend, a failover): the
 * reconciler looks at it in `reconcileAfterMs` unless a worker has seen it through by then.
 */
export async function watchSend(deps: EngineDeps, job: DeliveryJob): Promise<void> {
  await deps.watch.watch(job, deps.now() + deps.config.reconcileAfterMs);
}

/** What to do with a watched send. */
export type WatchAction =
  /** Nothing left to see to: the send is gone, superseded, finished, or never was recorded. */
  | { readonly do: 'drop' }
  | { readonly do: 'recheck'; readonly at: number }
  /** Queued: make sure its job is in `channel`'s queue, then look again at `recheckAt`. */
  | { readonly do: 'job'; readonly channel: ChannelName; readonly recheckAt: number }
  /** Accepted and waiting for a receipt: make sure its timeout is scheduled at `dueAt`, then drop. */
  | { readonly do: 'receipt_due'; readonly dueAt: number };

/**
 * Decides what a watched send needs, from its verification and send as stored (`forDelivery`).
 * Pure. A send is given `reconcileAfterMs` from being recorded (or accepted) before anything is
 * repaired: until then the gateway's add or the worker's `accepted` may just be under way. A queued
 * send is looked at again and again, less often the longer it waits (a backlog, or retries), since
 * it may still be accepted without its receipt timeout.
 */
export function watchAction(
  view: DeliveryView | null,
  job: DeliveryJob,
  now: number,
  config: Pick<EngineConfig, 'reconcileAfterMs' | 'publicUrl' | 'receiptTimeoutMs' | 'settings'>,
): WatchAction {
  if (view?.record.status !== 'pending' || view.record.sends !== job.send) return { do: 'drop' };
  const { send } = view;
  if (send?.step !== job.step) return { do: 'drop' };
  const grace = config.reconcileAfterMs;
  if (send.status === 'queued') {
    if (now < send.queuedAt + grace) return { do: 'recheck', at: send.queuedAt + grace };
    const wait = Math.min(MAX_RECHECK_MS, Math.max(grace, now - send.queuedAt));
    return { do: 'job', channel: send.channel, recheckAt: now + wait };
  }
  if (send.status !== 'accepted' || send.acceptedAt === undefined) return { do: 'drop' };
  if (now < send.acceptedAt + grace) return { do: 'recheck', at: send.acceptedAt + grace };
  const waitMs = receiptWaitMs(config, send.channel, view.record.planMasked, send.step);
  return waitMs === undefined ? { do: 'drop' } : { do: 'receipt_due', dueAt: send.acceptedAt + waitMs };
}

/**
 * Looks at one watched send and repairs what a failure left half done: a send recorded but never
 * queued (the add failed, or its process died first) is queued again, under its deterministic job
 * id, so a job that exists after all is not doubled; an accepted send that waits for a receipt (an
 * SMS or call with receipts asked for, carrier mail with a next step) but whose timeout was never
 * written gets it, due when it would have been (at once if that is past). Each repair is counted and
 * logged. Throws on a Redis error: the entry comes back when its lease ends.
 */
export function createSendReconciler(deps: EngineDeps) {
  return async function reconcile(job: DeliveryJob): Promise<void> {
    const { verificationId, send } = job;
    const read = () => deps.store.forDelivery(verificationId, send, deps.now());
    const action = watchAction(await read(), job, deps.now(), deps.config);
    switch (action.do) {
      case 'drop':
        return deps.watch.drop(job);
      case 'recheck':
        return deps.watch.recheck(job, action.at);
      case 'job': {
        const { channel } = action;
        // The job is looked for before the send is read again: a job completes only after its send
        // left `queued`, so "no job, then still queued" means it never had one, not that it just ran.
        if (!(await deps.queues.has(channel, job))) {
          const view = await read();
          if (watchAction(view, job, deps.now(), deps.config).do !== 'job' || !view) {
            return deps.watch.recheck(job, action.recheckAt);
          }
          if (send === 1 && !(await stillPending(deps, view.record))) {
            await deps.store.discard(verificationId);
            deps.logger.warn({}, 'start never finished and its destination moved on: not sent, discarded');
            return deps.watch.drop(job);
          }
          await deps.queues.add(channel, job);
          deps.metrics.reconciled('job');
          deps.logger.warn({ send, channel }, 'send was recorded without a job: queued it');
        }
        return deps.watch.recheck(job, action.recheckAt);
      }
      case 'receipt_due': {
        if (await deps.receiptDue.schedule(job, action.dueAt)) {
          deps.metrics.reconciled('receipt_due');
          deps.logger.warn({ send }, 'accepted send had no receipt timeout: scheduled it');
        }
        return deps.watch.drop(job);
      }
    }
  };
}

/**
 * Whether a first send with no job may still go out. Its start never finished — its gateway died or
 * lost Redis between storing the verification and queuing the send, and its caller heard an error —
 * so it goes out only while the destination's pending index still names it, and is then confirmed
 * there for the verification's lifetime: a retry of the start resumes it instead of starting
 * another. Once the claim lapsed (10 s) a retry may have started another verification, whose code is
 * the one the user waits for: sending this one too would be a second code. Records written before
 * they carried their `lookupHash` go out as before.
 */
async function stillPending(deps: EngineDeps, record: VerificationRecord): Promise<boolean> {
  if (record.lookupHash === undefined) return true;
  const ttlMs = Math.max(1, record.expiresAt - deps.now());
  return deps.admission.confirmPending(record.client, record.lookupHash, record.purpose, record.id, ttlMs);
}

export const RECONCILE_DEFAULTS = { intervalMs: 1_000, leaseMs: 30_000, batch: 200 } as const;

/** Options of `startSendReconciler`. */
export interface SendReconcilerOptions {
  readonly deps: EngineDeps;
  readonly intervalMs?: number;
  readonly leaseMs?: number;
  readonly batch?: number;
}

/**
 * Runs the reconciler over the send watch in a worker process (`startSweeper`): every `intervalMs`
 * it claims up to `batch` watched sends whose time to be looked at came, leased, so several
 * processes share them. Only sends still in flight after `reconcileAfterMs` are ever read, and at
 * most `batch` a tick (about four commands each): a backlog of a hundred thousand waiting sends,
 * each looked at again every minute at most, costs Redis a few hundred commands a second, not a
 * burst that competes with the deliveries.
 */
export function startSendReconciler(options: SendReconcilerOptions): Sweeper {
  const { deps } = options;
  return startSweeper({
    claim: (nowMs, leaseMs, limit) => deps.watch.claim(nowMs, leaseMs, limit),
    run: createSendReconciler(deps),
    failed: 'send reconciliation failed',
    logger: deps.logger,
    now: deps.now,
    intervalMs: options.intervalMs ?? RECONCILE_DEFAULTS.intervalMs,
    leaseMs: options.leaseMs ?? RECONCILE_DEFAULTS.leaseMs,
    batch: options.batch ?? RECONCILE_DEFAULTS.batch,
    drain: false,
  });
}
