import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Channel, createTwilioSms, type DeliveryErrorKind } from '@sendcode/channels';
import { type Sandbox, startSandbox } from '@sendcode/sandbox';
import { freePort, startTcpProxy, type TcpProxy } from '@sendcode/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { deliveryFailure } from './cases.ts';

/**
 * The twilio client's undici transport (packages/channels/src/providers/twilio/transport.ts), seen
 * from the outside: the real SDK and the sandbox's Twilio API, reached through a TCP proxy that
 * counts connections. It must keep its connections alive, and every answer and failure must come
 * out of the SDK's error parsing as the axios transport's did.
 */
const ACCOUNT_SID = `AC${'b2'.repeat(16)}`;
const message = { channel: 'sms', text: '482916 is your Contoso code.' } as const;

function twilioSms(baseUrl: string, timeoutMs?: number): Channel<'sms'> {
  return createTwilioSms({
    accountSid: ACCOUNT_SID,
    authToken: 'token',
    from: '+15005550006',
    baseUrl,
    timeoutMs,
  });
}
const send = (adapter: Channel<'sms'>, to = '+819012345678') =>
  adapter.send({ to, message, reference: 'ver_transport:0' });

describe('twilio undici transport', () => {
  let sandbox: Sandbox;
  let proxy: TcpProxy;
  let adapter: Channel<'sms'>;

  beforeAll(async () => {
    sandbox = await startSandbox({ receiptDelayMs: 5 });
    const { hostname, port } = new URL(sandbox.httpUrl);
    proxy = await startTcpProxy({ host: hostname, port: Number(port) });
    adapter = twilioSms(`http://127.0.0.1:${proxy.port}`, 300);
  });
  afterAll(async () => {
    await adapter.close();
    await proxy.close();
    await sandbox.close();
  });
  beforeEach(() => {
    sandbox.clear();
    sandbox.clearFaults();
  });

  it('sends request after request over kept-alive connections', async () => {
    for (let i = 0; i < 10; i++) await send(adapter);
    expect(sandbox.messages()).toHaveLength(10);
    expect(sandbox.messages()[0]).toMatchObject({ provider: 'twilio', code: '482916' });
    // Without keep-alive, ten. The pool may open a second one when a request comes in before it has
    // marked the first connection idle again; after that, both are reused.
    expect(proxy.connections()).toBeLessThanOrEqual(2);
  });

  it("reads a 4xx through the SDK's RestException: Twilio's code, permanent", async () => {
    const error = await deliveryFailure(send(adapter, '090-1234-5678'));
    expect(error).toMatchObject({ kind: 'permanent', providerCode: '21211' });
  });

  it.each<[number, string, DeliveryErrorKind]>([
    [503, '20500', 'retryable'],
    [429, '20429', 'rate_limited'],
    [401, '20401', 'blocked'],
  ])('reads an HTTP %i as code %s, %s', async (status, providerCode, kind) => {
    sandbox.addFault({ provider: 'twilio', channel: 'sms', mode: 'error', status });
    const error = await deliveryFailure(send(adapter));
    expect(error).toMatchObject({ kind, providerCode });
  });

  it('gives up when no answer comes within timeoutMs, and the next send goes through', async () => {
    sandbox.addFault({ provider: 'twilio', channel: 'sms', mode: 'timeout', count: 1 });
    const started = performance.now();
    const error = await deliveryFailure(send(adapter));
    expect(error).toMatchObject({ kind: 'retryable', providerCode: 'UND_ERR_HEADERS_TIMEOUT' });
    expect(performance.now() - started).toBeLessThan(3_000);
    await send(adapter);
    expect(sandbox.messages()).toHaveLength(1);
  });

  it('reports a refused connection as ECONNREFUSED', async () => {
    const down = twilioSms(`http://127.0.0.1:${await freePort()}`);
    const error = await deliveryFailure(send(down));
    expect(error).toMatchObject({ kind: 'retryable', providerCode: 'ECONNREFUSED' });
    await down.close();
  });

  it('reads a 5xx that is not JSON (a load balancer page) by its status', async () => {
    const server = createServer((_req, res) =>
      res.writeHead(502, { 'content-type': 'text/html' }).end('<h1>502</h1>'),
    );
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const balancer = twilioSms(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    const error = await deliveryFailure(send(balancer));
    expect(error).toMatchObject({ kind: 'retryable', providerCode: '502' });
    await balancer.close();
    server.close();
  });

  it('closes its connections when the adapter closes', async () => {
    const own = twilioSms(`http://127.0.0.1:${proxy.port}`);
    const before = proxy.connections();
    await send(own);
    expect(proxy.connections()).toBe(before + 1);
    await own.close();
    await expect.poll(() => proxy.connections()).toBe(before);
  });
});
