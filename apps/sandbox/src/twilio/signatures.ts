import { createHmac } from 'node:crypto';

/**
 * `X-Twilio-Signature` for a form-encoded webhook: base64 HMAC-SHA1, keyed with the account's auth
 * token, of the URL exactly as configured followed by every POST parameter's name and value,
 * sorted by name (https://www.twilio.com/docs/usage/security#validating-requests).
 */
export function twilioSignature(
  authToken: string,
  url: string,
  params: Readonly<Record<string, string>>,
): string {
  const data = Object.entries(params)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .reduce((signed, [name, value]) => signed + name + value, url);
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}
