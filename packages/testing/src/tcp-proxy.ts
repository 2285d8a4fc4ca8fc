import { createServer, type Socket, connect as tcpConnect } from 'node:net';

/**
 * A TCP proxy on a free loopback port in front of one server (Redis), for the network faults a
 * managed Redis shows: added latency, connections reset, and a black hole — TCP stays up and nothing
 * is forwarded either way (a stalled link, a NAT that stopped passing packets). Healing a black hole
 * delivers what was held, in order, as TCP would after retransmission. Tests only.
 *
 * Each direction of a connection is a {@link Lane}: bytes leave in the order they came, whatever the
 * latency was when each came, and one side's FIN is passed on only after the bytes before it. A reset
 * (an error on either side) is passed on at once, as a RST would be.
 */
export interface TcpProxy {
  readonly port: number;
  /** `redis://127.0.0.1:<port>`. */
  readonly url: string;
  /** Delays every chunk received from now on, each way, by `ms` (0: none); order is kept. */
  latency(ms: number): void;
  /** Resets (RST) every open connection; new ones are accepted. */
  reset(): void;
  /** Stops forwarding on every open and new connection, keeping them open, until `heal`. */
  blackhole(): void;
  /** Ends a black hole: held data flows again. */
  heal(): void;
  /**
   * Stops forwarding on every connection open now, for good, keeping them open (a link a NAT or a
   * firewall forgot: no reset, nothing ever arrives); new connections are forwarded.
   */
  silence(): void;
  /** Connections open now (client side). */
  connections(): number;
  close(): Promise<void>;
}

/**
 * One direction of a connection: what `from` sent, each chunk (or the end: `null`) written to `to` no
 * sooner than it is due, and never before what came earlier. A lowered latency does not let new
 * chunks overtake the ones still held under the old one; they leave right after them.
 */
class Lane {
  private readonly queue: { readonly due: number; readonly chunk: Buffer | null }[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly to: Socket,
    private readonly held: () => boolean,
  ) {}

  push(chunk: Buffer | null, delayMs: number): void {
    this.queue.push({ due: Date.now() + delayMs, chunk });
    this.pump();
  }

  /** Writes what is due, in order; sets a timer for the next. Nothing while held (a black hole). */
  pump(): void {
    if (this.timer !== undefined || this.held()) return;
    for (let head = this.queue[0]; head !== undefined; head = this.queue[0]) {
      const wait = head.due - Date.now();
      if (wait > 0) {
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.pump();
        }, wait);
        return;
      }
      this.queue.shift();
      if (this.to.destroyed) continue;
      if (head.chunk === null) this.to.end();
      else this.to.write(head.chunk);
    }
  }

  clear(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.queue.length = 0;
  }
}

interface Pair {
  readonly sockets: readonly [Socket, Socket];
  readonly lanes: readonly [Lane, Lane];
  /** Silenced for good (`silence`). */
  silenced: boolean;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  let delayMs = 0;
  let holed = false;
  const pairs = new Set<Pair>();

  const resetPair = (pair: Pair) => {
    for (const lane of pair.lanes) lane.clear();
    for (const socket of pair.sockets) if (!socket.destroyed) socket.resetAndDestroy();
  };
  // Half-open on both sides: a FIN ends one direction only, and is forwarded through its lane.
  const server = createServer({ allowHalfOpen: true }, (client) => {
    const upstream = tcpConnect({ port: target.port, host: target.host, allowHalfOpen: true });
    const held = () => holed || pair.silenced;
    const pair: Pair = {
      sockets: [client, upstream],
      lanes: [new Lane(upstream, held), new Lane(client, held)],
      silenced: false,
    };
    pairs.add(pair);
    if (holed) for (const socket of pair.sockets) socket.pause();
    pair.sockets.forEach((from, i) => {
      const lane = pair.lanes[i] as Lane;
      from.on('data', (chunk: Buffer) => lane.push(chunk, delayMs));
      from.on('end', () => lane.push(null, delayMs));
      from.on('error', () => resetPair(pair));
      from.on('close', () => {
        if (pair.sockets.every((socket) => socket.destroyed)) {
          for (const each of pair.lanes) each.clear();
          pairs.delete(pair);
        }
      });
    });
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
      for (const pair of [...pairs]) resetPair(pair);
    },
    blackhole() {
      holed = true;
      for (const pair of pairs) for (const socket of pair.sockets) socket.pause();
    },
    heal() {
      holed = false;
      for (const pair of pairs) {
        if (pair.silenced) continue;
        for (const socket of pair.sockets) socket.resume();
        for (const lane of pair.lanes) lane.pump();
      }
    },
    silence() {
      for (const pair of pairs) {
        pair.silenced = true;
        for (const socket of pair.sockets) socket.pause();
      }
    },
    connections: () => pairs.size,
    async close() {
      for (const pair of [...pairs]) {
        for (const lane of pair.lanes) lane.clear();
        for (const socket of pair.sockets) socket.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
