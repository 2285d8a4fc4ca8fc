import type { DeliveryErrorKind } from '@sendcode/channels';
import { type Sandbox, type SandboxMessage, startSandbox } from '@sendcode/sandbox';
import { freePort } from '@sendcode/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cases, deliveryFailure } from './cases.ts';

/**
 * The one suite every adapter passes: the real SDK, talking to the sandbox started in-process.
 * Each adapter must hand the message over, report the provider's id, and classify the two
 * failures every provider has: a destination it refuses (permanent) and being unreachable.
 * (faults.test.ts holds the rest: outages, throttling, timeouts and receipts.)
 */
describe.each(cases)('$name adapter', (adapterCase) => {
  let sandbox: Sandbox;
  let live: ReturnType<typeof adapterCase.connect>;
  let down: ReturnType<typeof adapterCase.connect>;

  beforeAll(async () => {
    sandbox = await startSandbox({ httpPort: 0, smtpPort: 0 });
    live = adapterCase.connect(sandbox);
    const closedPort = await freePort();
    down = adapterCase.connect({ httpUrl: `http://127.0.0.1:${closedPort}`, smtpPort: closedPort });
  });
  afterAll(async () => {
    await Promise.all([live.adapter.close(), down.adapter.close()]);
    await sandbox.close();
  });
  beforeEach(() => sandbox.clear());

  it('hands the message to the provider and reports its id', async () => {
    const result = await live.send(adapterCase.to);
    expect(result.providerMessageId).toEqual(expect.any(String));
    expect(result.providerMessageId).not.toBe('');

    const response = await fetch(`${sandbox.httpUrl}/messages?to=${encodeURIComponent(adapterCase.to)}`);
    const recorded = (await response.json()) as SandboxMessage[];
    expect(recorded).toEqual([
      expect.objectContaining({
        channel: live.adapter.channel,
        provider: live.adapter.provider,
        code: adapterCase.code,
        body: adapterCase.body,
        providerMessageId: result.providerMessageId,
      }),
    ]);
  });

  it('passes the status callback URL to a provider that sends receipts', async () => {
    const url = 'http://127.0.0.1:9/webhooks/status?ref=ver_conformance';
    await live.send(adapterCase.to, url);
    const [message] = sandbox.messages();
    expect(message?.callbackUrl).toBe(adapterCase.receipts > 0 ? url : undefined);
  });

  it('reports a destination the provider refuses as permanent, without quoting it', async () => {
    const error = await deliveryFailure(live.send(adapterCase.refusedTo));
    expect(error.kind).toBe<DeliveryErrorKind>('permanent');
    expect(error.provider).toBe(live.adapter.provider);
    expect(error.providerCode).toEqual(expect.any(String));
    expect(error.message).not.toContain(adapterCase.refusedTo);
    expect(error.message).not.toContain(adapterCase.code);
    expect(error.cause).toBeUndefined();
    expect(sandbox.messages()).toEqual([]);
  });

  it('reports an unreachable provider as retryable', async () => {
    const error = await deliveryFailure(down.send(adapterCase.to));
    expect(error.kind).toBe<DeliveryErrorKind>('retryable');
    expect(error.provider).toBe(down.adapter.provider);
    expect(error.message).not.toContain(adapterCase.to);
  });

  it('closes more than once', async () => {
    const adapter = adapterCase.create(sandbox);
    await adapter.close();
    await adapter.close();
  });
});
