import type { ChannelName, VerificationStatus } from '@sendcode/policy';
import type { VerificationRecord } from '@sendcode/store';

/** Our statuses as Twilio Verify names them. */
export const STATUS_TO_TWILIO: Record<VerificationStatus, string> = {
  pending: 'pending',
  approved: 'approved',
  canceled: 'canceled',
  locked: 'max_attempts_reached',
  expired: 'expired',
  failed: 'failed',
};

/** Our channels as Twilio Verify names them. */
export const CHANNEL_TO_TWILIO: Record<ChannelName, string> = { sms: 'sms', voice: 'call', email: 'email' };

/** `VE` + the 32 hex digits of our `ver_` id: the two map 1:1. */
export const toTwilioSid = (id: string) => `VE${id.slice('ver_'.length)}`;
/** Our id for a `VE` sid, or undefined when it is not one. */
export const fromTwilioSid = (sid: string) =>
  /^VE[0-9a-fA-F]{32}$/.test(sid) ? `ver_${sid.slice(2).toLowerCase()}` : undefined;

/** What a response is about: the service and account in the URL and credentials. */
export interface TwilioContext {
  readonly serviceSid: string;
  readonly accountSid: string;
  readonly publicUrl: string;
  /** The destination as the caller sent it, when it did; otherwise `to` is the masked one. */
  readonly to?: string;
}

/**
 * A verification in Twilio's JSON shape (VerificationInstance / VerificationCheckInstance). `to` is
 * the destination as sent when the request carried it, masked otherwise: the store keeps no clear
 * destination. `send_code_attempts` lists the sends we count, first on the plan's first channel.
 */
export function presentTwilioVerification(record: VerificationRecord, context: TwilioContext) {
  const sid = toTwilioSid(record.id);
  const masked = record.planMasked[record.step]?.to ?? record.planMasked[0]?.to ?? '';
  const first = record.planMasked[0]?.channel ?? record.channel;
  return {
    sid,
    service_sid: context.serviceSid,
    account_sid: context.accountSid,
    to: context.to ?? masked,
    channel: CHANNEL_TO_TWILIO[record.channel],
    status: STATUS_TO_TWILIO[record.status],
    valid: record.status === 'approved',
    lookup: {},
    amount: null,
    payee: null,
    send_code_attempts: Array.from({ length: record.sends }, (_, i) => ({
      attempt_sid: `VL${sid.slice(2, 30)}${String(i).padStart(4, '0')}`,
      channel: CHANNEL_TO_TWILIO[i === 0 ? first : record.channel],
      time: new Date(i === 0 ? record.createdAt : record.lastSendAt).toISOString(),
    })),
    date_created: new Date(record.createdAt).toISOString(),
    date_updated: new Date(record.updatedAt).toISOString(),
    sna: null,
    url: `${context.publicUrl}/v2/Services/${context.serviceSid}/Verifications/${sid}`,
  };
}
