import type { DeliveryJob, SendRecord } from '@sendcode/store';
import type { EngineDeps } from './deps.ts';
import { failover } from './failover.ts';
import { countOutcome } from './outcomes.ts';

/**
 * Runs a send's receipt timeout once it is due (the workers' receipt sweeper calls it). If the send is
 * still only `accepted` (no delivered or undelivered receipt came), the plan moves on with reason
 * `no_receipt`; otherwise nothing happens. With no next step the verification stays pending: the
 * code may still arrive. Running it twice for one send is harmless: the failover is a compare-and-set.
 */
export function createReceiptTimeoutProcessor(deps: EngineDeps) {
  return async function receiptTimeout(job: DeliveryJob): Promise<void> {
    const { verificationId, send } = job;
    const sent = await deps.store.getSend(verificationId, send);
    if (sent?.status !== 'accepted') return;
    await countNoReceipt(deps, verificationId, sent);
    const from = { verificationId, send, step: sent.step, channel: sent.channel };
    const result = await failover(deps, from, 'no_receipt', {
      failWhenExhausted: false,
      requireSendStatus: 'accepted',
    });
    if (result === 'exhausted') {
      await deps.store.appendEvent(verificationId, {
        type: 'no_receipt',
        at: deps.now(),
        step: sent.step,
        channel: sent.channel,
        ...(sent.provider ? { provider: sent.provider } : {}),
        detail: { send, next: 'none' },
      });
    }
  };
}

/**
 * Counts a send that saw no receipt against its provider's delivery health, unless the code was
 * entered meanwhile: then it arrived (this send or an earlier one with the same code), and only the
 * receipt went missing.
 */
async function countNoReceipt(deps: EngineDeps, verificationId: string, sent: SendRecord): Promise<void> {
  if (sent.channel === 'email') return;
  // Advisory, as the count itself: a record that cannot be read is no reason to skip the failover.
  const record = await deps.store.get(verificationId, deps.now()).catch(() => null);
  if (record?.status === 'approved') return;
  await countOutcome(deps, sent, 'no_receipt');
}
