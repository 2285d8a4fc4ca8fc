import type { DeliveryErrorKind } from '@sendcode/channels';
import { type Sandbox, startSandbox } from '@sendcode/sandbox';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type CallbackRecorder, startCallbackRecorder } from '../../apps/sandbox/src/receipts/recorder.ts';
import { cases, deliveryFailure } from './cases.ts';

/**
 * Every adapter against the sandbox's injected faults: each way a provider fails must come out as
 * the DeliveryError kind the worker acts on, and receipts must reach the status callback URL.
 */
describe.each(cases)('$name adapter under faults', (adapterCase) => {
  let sandbox: Sandbox;
  let adapter: ReturnType<typeof adapterCase.connect>;
  let impatient: ReturnType<typeof adapterCase.connect>;

  beforeAll(async () => {
    sandbox = await startSandbox({ receiptDelayMs: 5 });
    adapter = adapterCase.connect(sandbox);
    impatient = adapterCase.connect({ ...sandbox, timeoutMs: 300 });
  });
  afterAll(async () => {
    await Promise.all([adapter.adapter.close(), impatient.adapter.close()]);
    await sandbox.close();
  });
  beforeEach(() => {
    sandbox.clear();
    sandbox.clearFaults();
  });

  const fault = (spec: Omit<Parameters<Sandbox['addFault']>[0], 'provider' | 'channel'>) =>
    sandbox.addFault({ provider: adapter.adapter.provider, channel: adapter.adapter.channel, ...spec });

  it('reports a provider error (503, or SMTP 451) as retryable', async () => {
    fault({ mode: 'error' });
    const error = await deliveryFailure(adapter.send(adapterCase.to));
    expect(error.kind).toBe<DeliveryErrorKind>('retryable');
    expect(error.message).not.toContain(adapterCase.to);
    expect(sandbox.messages()).toEqual([]);
    expect(sandbox.requests()[adapterCase.endpoint]).toBe(1);
  });

  it(`reports throttling as ${adapterCase.throttle.kind}`, async () => {
    fault({ mode: 'error', status: adapterCase.throttle.status });
    const error = await deliveryFailure(adapter.send(adapterCase.to));
    expect(error.kind).toBe(adapterCase.throttle.kind);
  });

  it('reports a rejected destination as permanent', async () => {
    fault({ mode: 'reject' });
    const error = await deliveryFailure(adapter.send(adapterCase.to));
    expect(error.kind).toBe<DeliveryErrorKind>('permanent');
    expect(error.message).not.toContain(adapterCase.to);
  });

  it('gives up on a provider that does not answer within timeoutMs, as retryable', async () => {
    fault({ mode: 'timeout' });
    const started = performance.now();
    const error = await deliveryFailure(impatient.send(adapterCase.to));
    expect(error.kind).toBe<DeliveryErrorKind>('retryable');
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('applies a fault with count 1 once, and one with rate 0 never', async () => {
    fault({ mode: 'error', count: 1 });
    fault({ mode: 'reject', rate: 0 });
    await deliveryFailure(adapter.send(adapterCase.to));
    await adapter.send(adapterCase.to);
    await adapter.send(adapterCase.to);
    expect(sandbox.messages()).toHaveLength(2);
    expect(sandbox.requests()[adapterCase.endpoint]).toBe(3);
    expect(sandbox.faults()).toMatchObject([{ mode: 'reject', rate: 0 }]);
  });

  describe('receipts', () => {
    let gateway: CallbackRecorder;
    beforeEach(async () => {
      gateway = await startCallbackRecorder();
      return () => gateway.close();
    });

    it(`posts ${adapterCase.receipts} receipt(s) to the status callback URL`, async () => {
      await adapter.send(adapterCase.to, `${gateway.url}/status`);
      await sandbox.receiptsSettled();
      expect(gateway.received).toHaveLength(adapterCase.receipts);
      expect(sandbox.messages()).toMatchObject([
        { status: adapterCase.receipts > 0 ? 'delivered' : 'accepted' },
      ]);
    });
  });
});
