import type { Server, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

/** How often a stopping gateway looks again whether its last requests have answered. */
const DRAIN_POLL_MS = 10;

/** The requests a server is still handling, for a shutdown that must not close Redis under them. */
export interface InFlight {
  /** How many are still being handled. */
  readonly size: number;
  /** Resolves once none is left, or after `timeoutMs`; whether none is left. */
  drained(timeoutMs: number): Promise<boolean>;
}

/**
 * Counts `server`'s requests from their arrival until their handler has answered. A client that
 * hangs up does not end its request here: the handler goes on (a start's writes, a check's count)
 * until it calls `end`, and that is when it stops being in flight. `server.close()` cannot tell:
 * it resolves once the last socket is gone.
 */
export function trackInFlight(server: Server): InFlight {
  const handling = new Set<ServerResponse>();
  server.prependListener('request', (_req, res: ServerResponse) => {
    handling.add(res);
    res.once('finish', () => handling.delete(res));
    res.once('close', () => {
      if (res.writableEnded) {
        handling.delete(res);
        return;
      }
      // Hung up before the answer: node emits no 'finish' for an answer written to a closed socket,
      // so the handler's own `end` is the sign it is done.
      const end = res.end;
      res.end = function endAfterHangUp(this: ServerResponse, ...args: unknown[]) {
        handling.delete(res);
        return Reflect.apply(end, this, args) as ServerResponse;
      } as ServerResponse['end'];
    });
  });
  return {
    get size() {
      return handling.size;
    },
    async drained(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (handling.size > 0 && Date.now() < deadline) await sleep(DRAIN_POLL_MS);
      return handling.size === 0;
    },
  };
}
