/**
 * Load generation with autocannon: fixed concurrency, bounded by a count (`amount`) or a time
 * (`duration`), never unbounded. Bodies are made per request so each start has its own destination.
 */
import autocannon from 'autocannon';

export interface Outgoing {
  readonly path: string;
  readonly body: Record<string, unknown>;
}

export interface LoadOptions {
  readonly url: string;
  readonly headers?: Record<string, string>;
  /** The next request's path and JSON body; the same object is handed to `onResponse` as `sent`. */
  readonly next: () => Outgoing;
  readonly connections: number;
  /** Stop after this many requests... */
  readonly amount?: number;
  /** ...or after this many seconds (whichever the caller gives; both are upper bounds). */
  readonly seconds?: number;
  /** Requests per second across all connections (open loop), for the outage scenario. */
  readonly rate?: number;
  readonly onResponse?: (status: number, body: string, sent: Outgoing) => void;
}

export interface LoadResult {
  readonly requests: number;
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly errors: number;
  readonly non2xx: number;
  readonly seconds: number;
}

/** A count-bounded run is also stopped after this long, whatever is left. */
const MAX_SECONDS = 600;

export async function load(options: LoadOptions): Promise<LoadResult> {
  const result = await run({
    url: options.url,
    connections: options.connections,
    pipelining: 1,
    ...(options.amount === undefined ? {} : { amount: options.amount }),
    ...(options.seconds === undefined ? {} : { duration: options.seconds }),
    ...(options.rate === undefined ? {} : { overallRate: options.rate }),
    timeout: 30,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...options.headers },
        setupRequest: (request, context) => {
          const sent = options.next();
          (context as Record<string, unknown>).sent = sent;
          return { ...request, path: sent.path, body: JSON.stringify(sent.body) };
        },
        onResponse: (status, body, context) => {
          const sent = (context as Record<string, unknown>).sent as Outgoing;
          options.onResponse?.(status, body, sent);
        },
      },
    ],
  });
  const requests = result.requests.total;
  return {
    requests,
    rps: requests / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    seconds: result.duration,
  };
}

function run(options: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const instance = autocannon(options, (error, result) => {
      clearTimeout(timer);
      if (error) reject(error);
      else resolve(result);
    });
    timer = setTimeout(() => instance.stop(), MAX_SECONDS * 1000);
  });
}
