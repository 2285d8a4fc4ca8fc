import { randomBytes } from 'node:crypto';

/**
 * Response bodies shaped like Twilio's 2010-04-01 API: the fields the `twilio` client reads to
 * build its MessageInstance / CallInstance, with the values a freshly queued resource has.
 */

/** A Twilio SID: two-letter prefix and 32 hex digits. */
export function twilioSid(prefix: 'SM' | 'CA'): string {
  return `${prefix}${randomBytes(16).toString('hex')}`;
}

/** Twilio's legacy error body, which the client turns into a RestException. */
export function twilioError(status: number, code: number, message: string) {
  return { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status };
}

/** RFC 2822 date the way Twilio writes it (and the client parses it): `Tue, 05 Mar 2024 10:00:00 +0000`. */
export function rfc2822(date: Date): string {
  return date.toUTCString().replace('GMT', '+0000');
}

export function messageResource(fields: {
  accountSid: string;
  sid: string;
  to: string;
  from: string;
  body: string;
}) {
  const now = rfc2822(new Date());
  const uri = `/2010-04-01/Accounts/${fields.accountSid}/Messages/${fields.sid}`;
  return {
    account_sid: fields.accountSid,
    api_version: '2010-04-01',
    body: fields.body,
    date_created: now,
    date_sent: null,
    date_updated: now,
    direction: 'outbound-api',
    error_code: null,
    error_message: null,
    from: fields.from,
    messaging_service_sid: null,
    num_media: '0',
    num_segments: '1',
    price: null,
    price_unit: 'USD',
    sid: fields.sid,
    status: 'queued',
    subresource_uris: { media: `${uri}/Media.json` },
    to: fields.to,
    uri: `${uri}.json`,
  };
}

export function callResource(fields: { accountSid: string; sid: string; to: string; from: string }) {
  const now = rfc2822(new Date());
  const uri = `/2010-04-01/Accounts/${fields.accountSid}/Calls/${fields.sid}`;
  return {
    account_sid: fields.accountSid,
    annotation: null,
    answered_by: null,
    api_version: '2010-04-01',
    caller_name: null,
    date_created: now,
    date_updated: now,
    direction: 'outbound-api',
    duration: null,
    end_time: null,
    forwarded_from: null,
    from: fields.from,
    from_formatted: fields.from,
    group_sid: null,
    parent_call_sid: null,
    phone_number_sid: null,
    price: null,
    price_unit: 'USD',
    queue_time: '0',
    sid: fields.sid,
    start_time: null,
    status: 'queued',
    subresource_uris: {
      notifications: `${uri}/Notifications.json`,
      recordings: `${uri}/Recordings.json`,
    },
    to: fields.to,
    to_formatted: fields.to,
    trunk_sid: null,
    uri: `${uri}.json`,
  };
}
