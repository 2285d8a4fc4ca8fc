import twilio from 'twilio';
import { describe, expect, it } from 'vitest';
import { twilioSignature } from './signatures.ts';

describe('twilioSignature', () => {
  const params = {
    MessageStatus: 'delivered',
    To: '+819012345678',
    AccountSid: `AC${'0'.repeat(32)}`,
    Body: 'a & b = c, 認証',
  };

  it.each([
    'http://127.0.0.1:3000/webhooks/twilio/status',
    'https://gateway.example/webhooks/twilio/status?verification=ver_1&step=0',
  ])('is what twilio.validateRequest accepts for %s', (url) => {
    const signature = twilioSignature('auth-token', url, params);
    expect(twilio.validateRequest('auth-token', signature, url, params)).toBe(true);
    expect(twilio.validateRequest('other-token', signature, url, params)).toBe(false);
    expect(twilio.validateRequest('auth-token', signature, url, { ...params, To: '+819000000000' })).toBe(
      false,
    );
  });

  it('equals the SDK own computation', () => {
    const url = 'https://gateway.example/status';
    expect(twilioSignature('t', url, params)).toBe(twilio.getExpectedTwilioSignature('t', url, params));
  });
});
