import { CHANNEL_PROVIDERS, PROVIDER_REGISTRY, RECEIPT_PROVIDERS } from '@sendcode/policy';
import { loadedModules, SENDING_SDK_FILE } from '@sendcode/testing';
import { describe, expect, it } from 'vitest';
import { RECEIPT_WEBHOOKS, receiptPath } from './receipts.ts';

describe('@sendcode/channels/receipts', () => {
  it('loads no sending SDK in a fresh process', async () => {
    const loaded = await loadedModules('@sendcode/channels/receipts');
    expect(loaded.some((file) => file.endsWith('/node_modules/twilio/lib/webhooks/webhooks.js'))).toBe(true);
    expect(loaded.filter((file) => SENDING_SDK_FILE.test(file))).toEqual([]);
  });

  it('where the whole package loads all of them (so the check above can see them)', async () => {
    const loaded = await loadedModules('@sendcode/channels');
    for (const sdk of [
      'twilio/lib/rest/',
      '@vonage/server-sdk/',
      '@vonage/sms/',
      '@vonage/voice/',
      'nodemailer/',
    ]) {
      expect(loaded.some((file) => file.includes(`/node_modules/${sdk}`))).toBe(true);
    }
  });
});

describe('RECEIPT_WEBHOOKS', () => {
  it('give every provider that posts receipts one path per channel it carries, and no other provider any', () => {
    expect([...new Set(RECEIPT_WEBHOOKS.map((w) => w.provider))]).toEqual(RECEIPT_PROVIDERS);
    for (const provider of RECEIPT_PROVIDERS) {
      for (const channel of PROVIDER_REGISTRY[provider].channels) {
        const serving = RECEIPT_WEBHOOKS.filter(
          (w) => w.provider === provider && w.channels.includes(channel),
        );
        expect(serving, `${provider} ${channel}`).toHaveLength(1);
      }
    }
    for (const webhook of RECEIPT_WEBHOOKS) {
      for (const channel of webhook.channels) expect(CHANNEL_PROVIDERS[channel]).toContain(webhook.provider);
    }
  });

  it('keep the paths providers were given with earlier sends', () => {
    expect(new Set(RECEIPT_WEBHOOKS.map((w) => w.path)).size).toBe(RECEIPT_WEBHOOKS.length);
    expect(receiptPath('twilio', 'sms')).toBe('twilio/status');
    expect(receiptPath('twilio', 'voice')).toBe('twilio/status');
    expect(receiptPath('vonage', 'sms')).toBe('vonage/sms');
    expect(receiptPath('vonage', 'voice')).toBe('vonage/voice');
    expect(receiptPath('smtp', 'email')).toBeUndefined();
  });
});
