import { once } from 'node:events';
import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.ts';

/**
 * The proxy itself, in front of a plain TCP server: bytes stay in order per direction whatever the
 * latency does, a FIN follows the data sent before it, a black hole holds data until healed, and a
 * silenced connection carries nothing ever again.
 */
let server: Server | undefined;
let proxy: TcpProxy | undefined;
const open: Socket[] = [];

afterEach(async () => {
  for (const socket of open.splice(0)) socket.destroy();
  await proxy?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
});

/** A server that hands each connection to `onConnection`, with a proxy in front of it. */
async function behindProxy(onConnection: (socket: Socket) => void): Promise<TcpProxy> {
  server = createServer({ allowHalfOpen: true }, (socket) => {
    open.push(socket);
    // A reset reaches this side too; a test that expects none watches for it (readToEnd).
    socket.on('error', () => {});
    onConnection(socket);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  proxy = await startTcpProxy({ host: '127.0.0.1', port: address.port });
  return proxy;
}

async function connectTo(target: TcpProxy): Promise<Socket> {
  const socket = tcpConnect({ port: target.port, host: '127.0.0.1', allowHalfOpen: true });
  open.push(socket);
  await once(socket, 'connect');
  return socket;
}

/** Everything `socket` receives until its FIN, as text; rejects on a reset. */
function readToEnd(socket: Socket): Promise<string> {
  let text = '';
  socket.on('data', (chunk: Buffer) => {
    text += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    socket.once('end', () => resolve(text));
    socket.once('error', reject);
  });
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Writes `count` numbered chunks a few ms apart (separate reads at the proxy); returns what was sent. */
async function writeNumbered(socket: Socket, from: number, count: number): Promise<string> {
  let sent = '';
  for (let i = from; i < from + count; i += 1) {
    const chunk = `<${i}>`;
    socket.write(chunk);
    sent += chunk;
    await pause(5);
  }
  return sent;
}

it('keeps bytes in order when the latency drops while data is held under the old one', async () => {
  let received: Promise<string> = Promise.resolve('');
  const target = await behindProxy((socket) => {
    received = readToEnd(socket);
  });
  target.latency(400);
  const client = await connectTo(target);
  const early = await writeNumbered(client, 0, 10);
  target.latency(0);
  const late = await writeNumbered(client, 10, 10);
  client.end();
  expect(await received).toBe(early + late);
});

it('passes a FIN on only after the delayed data before it, each way, and keeps the other way open', async () => {
  let request: Promise<string> = Promise.resolve('');
  const target = await behindProxy((socket) => {
    request = readToEnd(socket);
    // Answers after the client's FIN: the half-open direction must still carry it.
    void request.then(() => socket.end('pong'.repeat(100)));
  });
  target.latency(300);
  const client = await connectTo(target);
  const reply = readToEnd(client);
  const sent = await writeNumbered(client, 0, 5);
  client.end();
  expect(await request).toBe(sent);
  expect(await reply).toBe('pong'.repeat(100));
});

it('holds everything in a black hole, then delivers it in order when healed', async () => {
  let received: Promise<string> = Promise.resolve('');
  let arrived = '';
  const target = await behindProxy((socket) => {
    socket.on('data', (chunk: Buffer) => {
      arrived += chunk.toString();
    });
    received = readToEnd(socket);
  });
  target.latency(100);
  const client = await connectTo(target);
  const before = await writeNumbered(client, 0, 3);
  target.blackhole();
  const during = await writeNumbered(client, 3, 5);
  await pause(300);
  expect(arrived).toBe('');
  target.heal();
  client.end();
  expect(await received).toBe(before + during);
});

it('resets every open connection on reset(), and accepts new ones', async () => {
  const target = await behindProxy((socket) => socket.on('data', (chunk) => socket.write(chunk)));
  const client = await connectTo(target);
  const error = new Promise<Error>((resolve) => client.once('error', resolve));
  target.reset();
  expect((await error).message).toMatch(/ECONNRESET/);
  const next = await connectTo(target);
  next.write('again');
  const [echo] = (await once(next, 'data')) as [Buffer];
  expect(echo.toString()).toBe('again');
});

it('silences the open connections for good, heal() or not, and forwards new ones', async () => {
  let arrived = '';
  const target = await behindProxy((socket) => {
    socket.on('data', (chunk: Buffer) => {
      arrived += chunk.toString();
      socket.write(chunk);
    });
  });
  const silent = await connectTo(target);
  target.silence();
  silent.write('lost');
  target.heal();
  await pause(300);
  expect(arrived).toBe('');
  expect(silent.destroyed).toBe(false);
  const next = await connectTo(target);
  next.write('again');
  const [echo] = (await once(next, 'data')) as [Buffer];
  expect(echo.toString()).toBe('again');
});
