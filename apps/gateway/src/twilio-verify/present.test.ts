import { API_ERRORS, ERROR_CODES } from '@sendcode/contract';
import { STATUSES } from '@sendcode/policy';
import type { VerificationRecord } from '@sendcode/store';
import { describe, expect, it } from 'vitest';
import { TWILIO_CODES } from './errors.ts';
import { fromTwilioSid, presentTwilioVerification, STATUS_TO_TWILIO, toTwilioSid } from './present.ts';

const HEX = '0123456789abcdef'.repeat(2);

const record: VerificationRecord = {
  id: `ver_${HEX}`,
  client: 'acme',
  status: 'locked',
  planMasked: [
    { channel: 'sms', to: '+81 90-****-5678' },
    { channel: 'voice', to: '+81 90-****-5678' },
  ],
  sealedCode: undefined,
  codeHash: 'h',
  codeLength: 6,
  locale: 'ja',
  brand: 'Contoso',
  purpose: 'sign_in',
  accountRef: undefined,
  ttlSeconds: 600,
  createdAt: Date.UTC(2026, 0, 1),
  expiresAt: Date.UTC(2026, 0, 1, 0, 10),
  updatedAt: Date.UTC(2026, 0, 1, 0, 2),
  attempts: 5,
  maxAttempts: 5,
  sends: 2,
  step: 1,
  channel: 'voice',
  lastSendAt: Date.UTC(2026, 0, 1, 0, 1),
};

describe('Twilio Verify mapping', () => {
  it('maps ids and sids 1:1, and nothing else is a sid', () => {
    expect(toTwilioSid(`ver_${HEX}`)).toBe(`VE${HEX}`);
    expect(fromTwilioSid(`VE${HEX.toUpperCase()}`)).toBe(`ver_${HEX}`);
    expect(fromTwilioSid(`VA${HEX}`)).toBeUndefined();
    expect(fromTwilioSid(`VE${HEX}0`)).toBeUndefined();
  });

  it('names every status, locked as max_attempts_reached', () => {
    expect(STATUSES.map((status) => STATUS_TO_TWILIO[status])).toEqual([
      'pending',
      'approved',
      'expired',
      'max_attempts_reached',
      'canceled',
      'failed',
    ]);
  });

  it("presents a record in Twilio's shape, voice as call, the destination masked", () => {
    const view = presentTwilioVerification(record, {
      serviceSid: `VA${HEX}`,
      accountSid: 'ACx',
      publicUrl: 'https://sendcode.test',
    });
    expect(view).toMatchObject({
      sid: `VE${HEX}`,
      service_sid: `VA${HEX}`,
      account_sid: 'ACx',
      to: '+81 90-****-5678',
      channel: 'call',
      status: 'max_attempts_reached',
      valid: false,
      date_created: '2026-01-01T00:00:00.000Z',
      date_updated: '2026-01-01T00:02:00.000Z',
      url: `https://sendcode.test/v2/Services/VA${HEX}/Verifications/VE${HEX}`,
    });
    expect(view.send_code_attempts.map((attempt) => attempt.channel)).toEqual(['sms', 'call']);
  });

  it('gives every native error code a Twilio code, 4xx stays 4xx and 5xx stays 5xx', () => {
    for (const code of ERROR_CODES) {
      expect(Math.floor(TWILIO_CODES[code].status / 100), code).toBe(
        Math.floor(API_ERRORS[code].status / 100),
      );
    }
    expect(TWILIO_CODES.invalid_destination).toEqual({ code: 60200, status: 400 });
    expect(TWILIO_CODES.rate_limited).toEqual({ code: 60203, status: 429 });
    expect(TWILIO_CODES.not_found).toEqual({ code: 20404, status: 404 });
    expect(TWILIO_CODES.unauthorized).toEqual({ code: 20003, status: 401 });
  });
});
