import type { Channel, Delivery } from '@sendcode/channels';
import { describe, expect, it } from 'vitest';
import { scriptedChannel } from '../test-channel.ts';
import { call } from './call.ts';

/** How the processor reads an adapter's answer by the Channel contract; no Redis needed. */

const delivery: Delivery<'sms'> = {
  to: '+819012345678',
  message: { channel: 'sms', text: 'Your code is 123456' },
  reference: 'ref',
};

/** An adapter that rejects with an Error no DeliveryError classified (an SDK's, say). */
const unclassified: Channel<'sms'> = {
  channel: 'sms',
  provider: 'vonage',
  send: () => Promise.reject(new TypeError('fetch failed')),
  async close() {},
};

describe('call', () => {
  it('accepted: the provider message id', async () => {
    expect(await call(scriptedChannel('sms', 'twilio', 'accept').adapter, delivery)).toEqual({
      ok: true,
      providerMessageId: 'twilio-1',
    });
  });

  it('a DeliveryError says its kind and the provider code', async () => {
    expect(await call(scriptedChannel('sms', 'twilio', 'permanent').adapter, delivery)).toEqual({
      ok: false,
      kind: 'permanent',
      providerCode: '21211',
    });
    expect(await call(scriptedChannel('sms', 'twilio', 'rate_limited').adapter, delivery)).toMatchObject({
      ok: false,
      kind: 'rate_limited',
    });
  });

  it('any other Error is taken as retryable', async () => {
    expect(await call(unclassified, delivery)).toEqual({ ok: false, kind: 'retryable' });
  });

  it.each([
    [{ reject: 'a +819012345678 string' }, 'rejected with string'],
    [{ reject: null }, 'rejected with null'],
    [{ reject: undefined }, 'rejected with undefined'],
    ['no_id', 'resolved without a provider message id'],
  ] as const)('a broken contract (%o) is adapter_error, said without the value', async (answer, broke) => {
    const answered = await call(scriptedChannel('sms', 'twilio', answer).adapter, delivery);
    expect(answered).toEqual({ ok: false, kind: 'adapter_error', broke });
    expect(JSON.stringify(answered)).not.toContain('+8190');
  });
});
