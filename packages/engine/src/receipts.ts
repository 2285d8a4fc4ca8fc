import type { ChannelName, ProviderName } from '@sendcode/policy';
import type { ReceiptClaim } from '@sendcode/store';
import type { EngineDeps } from './deps.ts';
import { failover } from './failover.ts';
import { countOutcome } from './outcomes.ts';

/** A verified provider receipt, already mapped to our two outcomes. */
export interface Receipt {
  readonly verificationId: string;
  readonly send: number;
  readonly channel: ChannelName;
  readonly provider: ProviderName;
  readonly status: 'delivered' | 'undelivered';
  readonly providerMessageId: string;
  /** The provider's status and error code as it said them, for the timeline. */
  readonly detail: Readonly<Record<string, string>>;
  /**
   * An `undelivered` call that rang and was not answered (busy, no answer, declined): the callee's
   * doing, not the provider's, so it does not count against the provider's delivery health.
   */
  readonly unanswered?: boolean;
  /** The signed request that carried it: a receipt is applied once per request ('replayed' after). */
  readonly claim: ReceiptClaim;
}

export type ReceiptResult = 'recorded' | 'failed_over' | 'duplicate' | 'unknown' | 'replayed';

const EARLY_RECEIPT_WAITS = 20;
const EARLY_RECEIPT_PAUSE_MS = 50;

/**
 * Applies a receipt and claims the request that carried it, in one step (`recordReceipt`): a request
 * seen before is 'replayed' and changes nothing. Only the first final receipt of an accepted send
 * counts; duplicates and late receipts change nothing. An `undelivered` receipt for the verification's current send moves the
 * plan on at once; one for a superseded send is recorded and nothing more, so a failover never
 * happens twice and a late `delivered` after a failover resurrects nothing.
 */
export async function applyReceipt(deps: EngineDeps, receipt: Receipt): Promise<ReceiptResult> {
  const now = deps.now();
  const record = () =>
    deps.store.recordReceipt(receipt.verificationId, receipt.send, {
      status: receipt.status,
      nowMs: now,
      providerMessageId: receipt.providerMessageId,
      detail: { ...receipt.detail },
      claim: receipt.claim,
    });
  let outcome = await record();
  // A fast provider can report before the worker has recorded the acceptance (the send is still
  // `queued`, nothing written, nothing claimed): give the worker a moment rather than drop the
  // receipt. One that is still early after that is dropped unclaimed, so a retry of it may yet count.
  for (let wait = 0; outcome.result === 'queued' && wait < EARLY_RECEIPT_WAITS; wait++) {
    await new Promise((resolve) => setTimeout(resolve, EARLY_RECEIPT_PAUSE_MS));
    outcome = await record();
  }
  if (outcome.result === 'replayed') return 'replayed';
  if (outcome.result === 'duplicate' || outcome.result === 'queued') return 'duplicate';
  if (outcome.result !== 'recorded') return 'unknown';

  const seconds = (now - outcome.send.queuedAt) / 1000;
  deps.metrics.delivery(receipt.channel, receipt.provider, receipt.status, seconds);
  const { verificationId, send } = receipt;
  // The send is final: its receipt timeout has nothing left to do, so its entry goes now (with the
  // failover, when there is one, rather than in a round trip of its own). Only memory is at stake:
  // an entry left behind runs later and finds nothing to do, so a failure here fails no receipt.
  const cancelled = deps.receiptDue
    .cancel({ verificationId, step: outcome.send.step, send })
    .catch((error: unknown) => deps.logger.warn({ err: error, send }, 'receipt timeout not cancelled'));
  // The provider's delivery health hears of it too, alongside (never failing the receipt).
  const counted = receipt.unanswered
    ? undefined
    : countOutcome(deps, outcome.send, receipt.status === 'delivered' ? 'delivered' : 'failed');
  const cancel = Promise.all([cancelled, counted]);
  if (receipt.status === 'delivered' || !outcome.current) {
    await cancel;
    return 'recorded';
  }
  const from = { verificationId, send, step: outcome.send.step, channel: outcome.send.channel };
  const [moved] = await Promise.all([
    failover(deps, from, 'undelivered', { failWhenExhausted: false }),
    cancel,
  ]);
  return moved === 'advanced' ? 'failed_over' : 'recorded';
}
