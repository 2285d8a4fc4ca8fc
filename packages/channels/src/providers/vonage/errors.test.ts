import { MessageSendAllFailure, MessageSendPartialFailure, type SMSMessages } from '@vonage/sms';
import { describe, expect, it } from 'vitest';
import type { DeliveryErrorKind } from '../../channel.ts';
import { vonageDeliveryError } from './errors.ts';

function smsResponse(status: string): SMSMessages {
  return {
    messageCount: 1,
    'message-count': 1,
    messages: [{ status, errorText: 'Invalid to address' }],
  } as SMSMessages;
}

describe('vonageDeliveryError for SMS statuses', () => {
  it.each<[string, DeliveryErrorKind]>([
    ['1', 'rate_limited'],
    ['2', 'permanent'],
    ['3', 'permanent'],
    ['4', 'blocked'],
    ['5', 'retryable'],
    ['6', 'permanent'],
    ['7', 'permanent'],
    ['8', 'blocked'],
    ['9', 'blocked'],
    ['10', 'permanent'],
    ['11', 'blocked'],
    ['12', 'permanent'],
    ['14', 'blocked'],
    ['15', 'permanent'],
    ['22', 'permanent'],
    ['29', 'blocked'],
    ['32', 'blocked'],
    ['33', 'permanent'],
  ])('status %s -> %s', (status, kind) => {
    for (const failure of [
      new MessageSendAllFailure(smsResponse(status)),
      new MessageSendPartialFailure(smsResponse(status)),
    ]) {
      expect(vonageDeliveryError(failure)).toMatchObject({ kind, provider: 'vonage', providerCode: status });
    }
  });
});

describe('vonageDeliveryError for HTTP errors', () => {
  /** What VetchError carries: the fetch response (and the request, which quotes the number). */
  const vetchError = (status: number) =>
    Object.assign(new Error(`Request failed with status code ${status}`), {
      response: { status },
      config: { data: { to: [{ type: 'phone', number: '819012345678' }] } },
    });

  it.each<[number, DeliveryErrorKind]>([
    [400, 'permanent'],
    [401, 'blocked'],
    [403, 'blocked'],
    [404, 'permanent'],
    [422, 'permanent'],
    [429, 'rate_limited'],
    [500, 'retryable'],
    [503, 'retryable'],
  ])('HTTP %i -> %s', (status, kind) => {
    const error = vonageDeliveryError(vetchError(status));
    expect(error).toMatchObject({ kind, providerCode: String(status) });
    expect(error.message).not.toContain('8190');
    expect(error.cause).toBeUndefined();
  });

  it('treats network failures and timeouts as retryable', () => {
    const refused = Object.assign(new Error('request failed, reason: connect ECONNREFUSED'), {
      name: 'FetchError',
      code: 'ECONNREFUSED',
    });
    expect(vonageDeliveryError(refused)).toMatchObject({ kind: 'retryable', providerCode: 'ECONNREFUSED' });
    const aborted = Object.assign(new Error('The operation was aborted.'), { name: 'AbortError' });
    expect(vonageDeliveryError(aborted)).toMatchObject({ kind: 'retryable', providerCode: 'TIMEOUT' });
  });
});
