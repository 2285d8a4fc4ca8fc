import { receiptPath } from '@sendcode/channels/receipts';
import type { ChannelName, ProviderName } from '@sendcode/policy';

/**
 * The reference we give providers for a send, echoed back in receipts: `ver_<32 hex>.<send>`. It
 * names a send, never a destination or a code, and receipts are also matched on the provider's
 * message id, so a tampered reference finds nothing.
 */
export function sendReference(verificationId: string, send: number): string {
  return `${verificationId}.${send}`;
}

export function parseSendReference(value: unknown): { verificationId: string; send: number } | undefined {
  const match = typeof value === 'string' ? /^(ver_[0-9a-f]{32})\.([1-9][0-9]?)$/.exec(value) : null;
  if (!match?.[1] || !match[2]) return undefined;
  return { verificationId: match[1], send: Number(match[2]) };
}

/** Where a provider should post receipts for a send; undefined when there is no public URL or no receipts (email). */
export function statusCallbackUrl(
  publicUrl: string | undefined,
  provider: ProviderName,
  channel: ChannelName,
  reference: string,
): string | undefined {
  const path = receiptPath(provider, channel);
  if (!publicUrl || path === undefined) return undefined;
  return `${publicUrl}/webhooks/${path}?ref=${encodeURIComponent(reference)}`;
}
