import { Redis } from 'ioredis';
import type { RedisConnection } from './connection.ts';

/**
 * Runs `send`, which issues commands on `redis` without awaiting between them, and hands all it wrote
 * to the socket at once: the commands go out back to back, in the order issued, in one system call
 * instead of one each, and Redis reads them in one. Only the writing is batched, as in a pipeline:
 * each command keeps its own reply, and a failing one fails only its own caller.
 *
 * Perf (bench/README.md): a sent job's three writes (`markAccepted`, the circuit's success, the
 * receipt timeout) go out as one. On a cluster (its commands go to each node's own connection), or
 * while the connection is not ready (they wait in ioredis's offline queue), `send` just runs.
 */
export function writeTogether<T>(redis: RedisConnection, send: () => T): T {
  const socket = redis instanceof Redis && redis.status === 'ready' ? redis.stream : undefined;
  socket?.cork();
  try {
    return send();
  } finally {
    socket?.uncork();
  }
}
