import { type ChannelName, clientSettings, sendCost } from '@sendcode/policy';
import { spendDay, type VerificationRecord } from '@sendcode/store';
import type { SenderDeps } from '../deps.ts';

/** A charge to the client's day, to give back when no provider accepted the send. */
export interface SpendCharge {
  refund(): Promise<void>;
}

/**
 * Charges an SMS or call to the client's day (email is free), at the price of the destination's
 * `country` (`destinationFacts`); undefined when that would pass its cap.
 */
export async function chargeSpend(
  deps: SenderDeps,
  record: VerificationRecord,
  channel: ChannelName,
  country: string | undefined,
): Promise<SpendCharge | undefined> {
  const free = { refund: async () => {} };
  if (channel === 'email') return free;
  const micros = Math.round(sendCost(deps.config.settings, country, channel) * 1_000_000);
  const cap = clientSettings(deps.config.settings, record.client).dailySpendCap;
  const day = spendDay(deps.now());
  const charged = await deps.spend.charge(
    record.client,
    day,
    micros,
    cap === null ? undefined : Math.round(cap * 1e6),
  );
  if (!charged.ok) return undefined;
  return { refund: () => deps.spend.refund(record.client, day, micros) };
}
