/**
 * @sendcode/channels/receipts — the providers' receipt webhooks, without their sending adapters:
 * nothing reachable from here imports a sending SDK (twilio's REST client, @vonage/server-sdk,
 * nodemailer), so the gateway, which receives receipts and sends nothing, never loads one.
 * `receipts.test.ts` checks it in a fresh process.
 */
import type { ChannelName, ProviderName } from '@sendcode/policy';
import { twilioReceipts } from './providers/twilio/receipts.ts';
import { vonageReceipts } from './providers/vonage/receipts.ts';
import type { ReceiptWebhook } from './receipt.ts';

export type {
  ProviderReceipt,
  ReceiptRead,
  ReceiptRefusal,
  ReceiptWebhook,
  WebhookRequest,
} from './receipt.ts';

/** Every receipt webhook of every provider that posts receipts (`RECEIPT_PROVIDERS`). */
export const RECEIPT_WEBHOOKS: readonly ReceiptWebhook[] = [...twilioReceipts, ...vonageReceipts];

/** Where `provider` posts the receipts of `channel`, under the gateway's `/webhooks/`; undefined if it posts none. */
export function receiptPath(provider: ProviderName, channel: ChannelName): string | undefined {
  return RECEIPT_WEBHOOKS.find((w) => w.provider === provider && w.channels.includes(channel))?.path;
}
