import { DeliveryError } from '../../channel.ts';
import { networkCode, prop } from '../../provider-errors.ts';

/**
 * Nodemailer error → DeliveryError. Nodemailer sets `code` (EENVELOPE, EAUTH, ECONNECTION, ...) and,
 * when the server answered, `responseCode`; a rejected RCPT TO (a carrier's 550) arrives as
 * EENVELOPE with that reply's code. 5xx will be refused again (permanent) — except 503, a session
 * out of step — and 4xx is a deferral (retryable). A refused login, sender or configuration is
 * about us, not the recipient (blocked). The server's reply text is left out: it often quotes the
 * recipient.
 */
export function smtpDeliveryError(error: unknown): DeliveryError {
  const code = networkCode(error);
  const responseCode = prop(error, 'responseCode');
  const command = prop(error, 'command');

  if (code === 'EAUTH' || code === 'ENOAUTH' || code === 'ECONFIG') {
    return new DeliveryError('blocked', 'smtp', `SMTP sending is not set up right (${code})`, {
      providerCode: typeof responseCode === 'number' ? responseCode : code,
    });
  }
  if (typeof responseCode === 'number') {
    const permanent = responseCode >= 500 && responseCode !== 503;
    const kind = !permanent ? 'retryable' : command === 'MAIL FROM' ? 'blocked' : 'permanent';
    const step = typeof command === 'string' && /^[A-Z ]+$/.test(command) ? ` at ${command}` : '';
    return new DeliveryError(kind, 'smtp', `SMTP server replied ${responseCode}${step}`, {
      providerCode: responseCode,
    });
  }
  if (code === 'EENVELOPE') {
    // Refused by nodemailer itself, before any server saw it: the address cannot be used.
    return new DeliveryError('permanent', 'smtp', 'SMTP envelope rejected before sending (EENVELOPE)', {
      providerCode: code,
    });
  }
  // No reply from the server: it could not be reached, timed out or dropped the connection.
  const originalCode = prop(error, 'originalCode');
  const cause = (typeof originalCode === 'string' ? originalCode : code) ?? 'no reply';
  return new DeliveryError('retryable', 'smtp', `SMTP server unavailable (${cause})`, { providerCode: code });
}
