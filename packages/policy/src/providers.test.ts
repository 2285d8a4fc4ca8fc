import { describe, expect, it } from 'vitest';
import {
  CHANNEL_PROVIDERS,
  isProviderName,
  PROVIDERS,
  providersFor,
  RECEIPT_PROVIDERS,
} from './providers.ts';

describe('the provider registry', () => {
  it('lists the providers, by channel in the default order, and those that post receipts', () => {
    expect(PROVIDERS).toEqual(['smtp', 'twilio', 'vonage']);
    expect(CHANNEL_PROVIDERS).toEqual({
      email: ['smtp'],
      sms: ['twilio', 'vonage'],
      voice: ['twilio', 'vonage'],
    });
    expect(providersFor('sms')).toEqual(['twilio', 'vonage']);
    expect(RECEIPT_PROVIDERS).toEqual(['twilio', 'vonage']);
  });

  it('recognises a provider name, and nothing else', () => {
    expect(PROVIDERS.every(isProviderName)).toBe(true);
    for (const value of ['Twilio', 'none', 'toString', '', undefined, 1])
      expect(isProviderName(value)).toBe(false);
  });
});
