import { createServer, type Socket, connect as tcpConnect } from 'node:net';

/**
 * A TCP proxy on a free loopback port in front of one server (Redis), for the network faults a
 * managed Redis shows: added latency, connections reset, and a black hole — TCP stays up and nothing
 * is forwarded either way (a stalled link, a NAT that stopped passing packets). Healing a black hole
 * delivers what was held, in order, as TCP would after retransmission. Tests only.
 */
export interface TcpProxy {
  readonly port: number;
  /** `redis://127.0.0.1:<port>`. */
  readonly url: string;
  /** Delays every chunk, each way, by `ms` (0: none); order is kept. */
  latency(ms: number): void;
  /** Resets (RST) every open connection; new ones are accepted. */
  reset(): void;
  /** Stops forwarding on every open and new connection, keeping them open, until `heal`. */
  blackhole(): void;
  /** Ends a black hole: held data flows again. */
  heal(): void;
  /** Connections open now (client side). */
  connections(): number;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  let delayMs = 0;
  let holed = false;
  const pairs = new Set<readonly [Socket, Socket]>();

  const pipe = (from: Socket, to: Socket) => {
    from.on('data', (chunk) => {
      if (delayMs === 0) to.write(chunk);
      // Timers of one duration fire in the order they were set, so the stream stays in order.
      else setTimeout(() => to.writable && to.write(chunk), delayMs);
    });
  };
  const server = createServer((client) => {
    const upstream = tcpConnect(target.port, target.host);
    const pair = [client, upstream] as const;
    pairs.add(pair);
    if (holed) for (const socket of pair) socket.pause();
    pipe(client, upstream);
    pipe(upstream, client);
    const drop = () => {
      pairs.delete(pair);
      for (const socket of pair) if (!socket.destroyed) socket.resetAndDestroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('proxy has no port');

  return {
    port: address.port,
    url: `redis://127.0.0.1:${address.port}`,
    latency(ms) {
      delayMs = ms;
    },
    reset() {
      for (const pair of [...pairs]) for (const socket of pair) socket.resetAndDestroy();
    },
    blackhole() {
      holed = true;
      for (const pair of pairs) for (const socket of pair) socket.pause();
    },
    heal() {
      holed = false;
      for (const pair of pairs) for (const socket of pair) socket.resume();
    },
    connections: () => pairs.size,
    async close() {
      for (const pair of [...pairs]) for (const socket of pair) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
