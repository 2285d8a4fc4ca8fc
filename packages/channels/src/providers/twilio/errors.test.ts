import twilio from 'twilio';
import { describe, expect, it } from 'vitest';
import type { DeliveryErrorKind } from '../../channel.ts';
import { twilioDeliveryError } from './errors.ts';

/** A RestException built from an HTTP response, as the SDK does. */
function restException(status: number, code?: number) {
  const body =
    code === undefined ? '' : { code, message: "The 'To' number +819012345678 is not valid.", status };
  return new twilio.RestException({ statusCode: status, body });
}

describe('twilioDeliveryError', () => {
  it.each<[number, number | undefined, DeliveryErrorKind]>([
    [400, 21211, 'permanent'],
    [400, 21614, 'permanent'],
    [400, 21408, 'blocked'],
    [400, 21612, 'blocked'],
    [401, 20003, 'blocked'],
    [429, 20429, 'rate_limited'],
    [429, undefined, 'rate_limited'],
    [401, undefined, 'blocked'],
    [400, 21602, 'permanent'],
    [404, 20404, 'permanent'],
    [500, 20500, 'retryable'],
    [503, undefined, 'retryable'],
  ])('HTTP %i code %s -> %s', (status, code, kind) => {
    const error = twilioDeliveryError(restException(status, code));
    expect(error.kind).toBe(kind);
    expect(error.provider).toBe('twilio');
    expect(error.providerCode).toBe(String(code ?? status));
    expect(error.message).not.toContain('+8190');
  });

  it('treats network failures (no HTTP status) as retryable', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    expect(twilioDeliveryError(refused)).toMatchObject({ kind: 'retryable', providerCode: 'ECONNREFUSED' });
    const timeout = Object.assign(new Error('Headers Timeout Error'), { code: 'UND_ERR_HEADERS_TIMEOUT' });
    expect(twilioDeliveryError(timeout)).toMatchObject({
      kind: 'retryable',
      providerCode: 'UND_ERR_HEADERS_TIMEOUT',
    });
    expect(twilioDeliveryError(new Error('socket hang up'))).toMatchObject({ kind: 'retryable' });
  });
});
