import { SMSFailure } from '@vonage/sms';
import { DeliveryError, type DeliveryErrorKind } from '../../channel.ts';
import { kindForHttpStatus, networkCode, prop } from '../../provider-errors.ts';

/**
 * Vonage SMS API per-message statuses that are not `permanent`
 * (https://developer.vonage.com/en/messaging/sms/guides/troubleshooting-sms). The rest — missing
 * or invalid parameters, invalid or barred number, message too long, ... — will fail again.
 */
export const VONAGE_SMS_STATUS_KINDS: Readonly<Record<string, DeliveryErrorKind>> = {
  '1': 'rate_limited', // throttled
  '5': 'retryable', // internal error
  '4': 'blocked', // invalid credentials
  '8': 'blocked', // partner account barred
  '9': 'blocked', // partner quota violation (out of credit)
  '11': 'blocked', // account not enabled for HTTP
  '14': 'blocked', // invalid signature
  '29': 'blocked', // non-whitelisted destination (trial account)
  '32': 'blocked', // signature and API secret disallowed
};

/**
 * Vonage SDK error → DeliveryError. The SMS API answers 200 with a per-message `status`; the SDK
 * throws an SMSFailure when it is not "0" (MessageSendPartialFailure even when the only message
 * failed, because it compares the string "message-count" with a number). Other calls throw a
 * VetchError carrying the fetch `response`; network failures come from node-fetch with no response.
 */
export function vonageDeliveryError(error: unknown): DeliveryError {
  if (error instanceof SMSFailure) {
    const status = error.getFailedMessages()[0]?.status ?? 'unknown';
    const kind = VONAGE_SMS_STATUS_KINDS[status] ?? 'permanent';
    return new DeliveryError(kind, 'vonage', `Vonage refused the SMS (status ${status})`, {
      providerCode: status,
    });
  }
  const status = prop(prop(error, 'response'), 'status');
  if (typeof status === 'number') {
    return new DeliveryError(
      kindForHttpStatus(status),
      'vonage',
      `Vonage refused the request (HTTP ${status})`,
      {
        providerCode: status,
      },
    );
  }
  const network = networkCode(error) ?? (prop(error, 'name') === 'AbortError' ? 'TIMEOUT' : 'no response');
  return new DeliveryError('retryable', 'vonage', `Vonage unreachable (${network})`, {
    providerCode: network,
  });
}
