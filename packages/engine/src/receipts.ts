import type { ChannelName, ProviderName } from '@sendcode/policy';
import type { EngineDeps } from './deps.ts';
import { failover } from './failover.ts';

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
}

export type ReceiptResult = 'recorded' | 'failed_over' | 'duplicate' | 'unknown';

const EARLY_RECEIPT_WAITS = 20;
const EARLY_RECEIPT_PAUSE_MS = 50;

/**
 * Applies a receipt. Only the first final receipt of an accepted send counts; duplicates and late
 * receipts change nothing. An `undelivered` receipt for the verification's current send moves the
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
    });
  let outcome = await record();
  // A fast provider can report before the worker has recorded the acceptance (the send is still
  // `queued`): give the worker a moment rather than drop the receipt.
  for (let wait = 0; outcome.result === 'duplicate' && wait < EARLY_RECEIPT_WAITS; wait++) {
    if ((await deps.store.getSend(receipt.verificationId, receipt.send))?.status !== 'queued') break;
    await new Promise((resolve) => setTimeout(resolve, EARLY_RECEIPT_PAUSE_MS));
    outcome = await record();
  }
  if (outcome.result === 'duplicate') return 'duplicate';
  if (outcome.result !== 'recorded') return 'unknown';

  const seconds = (now - outcome.send.queuedAt) / 1000;
  deps.metrics.delivery(receipt.channel, receipt.provider, receipt.status, seconds);
  if (receipt.status === 'delivered' || !outcome.current) return 'recorded';
  const from = {
    verificationId: receipt.verificationId,
    send: receipt.send,
    step: outcome.send.step,
    channel: outcome.send.channel,
  };
  const moved = await failover(deps, from, 'undelivered', { failWhenExhausted: false });
  return moved === 'advanced' ? 'failed_over' : 'recorded';
}
