import { DeliveryError, type DeliveryErrorKind } from '../../channel.ts';
import { kindForHttpStatus, networkCode, prop } from '../../provider-errors.ts';

/**
 * Twilio error codes that decide more than the HTTP status does
 * (https://www.twilio.com/docs/api/errors). Anything else falls back to the status.
 */
export const TWILIO_ERROR_KINDS: Readonly<Record<number, DeliveryErrorKind>> = {
  21211: 'permanent', // invalid 'To' phone number
  21614: 'permanent', // 'To' is not a mobile number (landline): call instead
  21610: 'permanent', // the recipient replied STOP
  13224: 'permanent', // voice: invalid phone number
  21408: 'blocked', // SMS to this region is not enabled on the account
  21612: 'blocked', // cannot route from this 'From' to this 'To'
  21215: 'blocked', // voice: geographic permission not enabled
  20003: 'blocked', // authentication failed
  20429: 'rate_limited', // too many requests
};

/**
 * Twilio SDK error → DeliveryError. The SDK throws a RestException (or, for newer APIs, a
 * TwilioServiceException) with the HTTP `status` and Twilio's numeric `code`; network failures come
 * from the transport with no status (ECONNREFUSED; undici's UND_ERR_SOCKET for a reset, UND_ERR_*_TIMEOUT: transport.ts).
 * Twilio's own message is left out: it quotes the number.
 */
export function twilioDeliveryError(error: unknown): DeliveryError {
  const status = prop(error, 'status');
  const code = prop(error, 'code');
  if (typeof status !== 'number') {
    const network = networkCode(error) ?? 'no response';
    return new DeliveryError('retryable', 'twilio', `Twilio unreachable (${network})`, {
      providerCode: network,
    });
  }
  const twilioCode = typeof code === 'number' ? code : undefined;
  const kind =
    (twilioCode === undefined ? undefined : TWILIO_ERROR_KINDS[twilioCode]) ?? kindForHttpStatus(status);
  const detail = twilioCode === undefined ? `HTTP ${status}` : `HTTP ${status}, code ${twilioCode}`;
  return new DeliveryError(kind, 'twilio', `Twilio refused the request (${detail})`, {
    providerCode: twilioCode ?? status,
  });
}
