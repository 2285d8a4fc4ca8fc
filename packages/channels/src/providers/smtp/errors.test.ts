import { describe, expect, it } from 'vitest';
import type { DeliveryErrorKind } from '../../channel.ts';
import { smtpDeliveryError } from './errors.ts';

/** Builds an error the way nodemailer does: message plus code, response and command fields. */
function nodemailerError(fields: {
  code?: string;
  responseCode?: number;
  command?: string;
  originalCode?: string;
}) {
  return Object.assign(new Error('Recipient command failed: 550 5.7.1 <taro@docomo.ne.jp> refused'), fields);
}

describe('smtpDeliveryError', () => {
  it.each<[string, Parameters<typeof nodemailerError>[0], DeliveryErrorKind, string | undefined]>([
    [
      'carrier 550 at RCPT TO',
      { code: 'EENVELOPE', responseCode: 550, command: 'RCPT TO' },
      'permanent',
      '550',
    ],
    [
      'mailbox full 452 at RCPT TO',
      { code: 'EENVELOPE', responseCode: 452, command: 'RCPT TO' },
      'retryable',
      '452',
    ],
    ['greylisting 451 at DATA', { code: 'EMESSAGE', responseCode: 451, command: 'DATA' }, 'retryable', '451'],
    [
      'content refused 554 at DATA',
      { code: 'EMESSAGE', responseCode: 554, command: 'DATA' },
      'permanent',
      '554',
    ],
    ['503 bad sequence', { code: 'EPROTOCOL', responseCode: 503, command: 'RCPT TO' }, 'retryable', '503'],
    [
      'sender refused 550 at MAIL FROM',
      { code: 'EENVELOPE', responseCode: 550, command: 'MAIL FROM' },
      'blocked',
      '550',
    ],
    ['login refused', { code: 'EAUTH', responseCode: 535, command: 'AUTH PLAIN' }, 'blocked', '535'],
    ['no credentials', { code: 'ENOAUTH' }, 'blocked', 'ENOAUTH'],
    ['invalid address, never sent', { code: 'EENVELOPE' }, 'permanent', 'EENVELOPE'],
    [
      'connection refused',
      { code: 'ESOCKET', originalCode: 'ECONNREFUSED', command: 'CONN' },
      'retryable',
      'ESOCKET',
    ],
    ['connection dropped', { code: 'ECONNECTION' }, 'retryable', 'ECONNECTION'],
    ['timeout', { code: 'ETIMEDOUT' }, 'retryable', 'ETIMEDOUT'],
    ['anything else', {}, 'retryable', undefined],
  ])('%s -> %s', (_name, fields, kind, providerCode) => {
    const error = smtpDeliveryError(nodemailerError(fields));
    expect(error.kind).toBe(kind);
    expect(error.provider).toBe('smtp');
    expect(error.providerCode).toBe(providerCode);
    expect(error.message).not.toContain('taro');
  });

  it('names the failing network step without the server text', () => {
    const error = smtpDeliveryError(nodemailerError({ code: 'ESOCKET', originalCode: 'ECONNREFUSED' }));
    expect(error.message).toBe('SMTP server unavailable (ECONNREFUSED)');
  });
});
