import { volumeSettingsFile } from './settings.ts';
import { startTestSystem, type TestSystem } from './system.ts';
import { type FaultFigures, untilArrived } from './tally.ts';

/**
 * The system as the fault suites run it, on `redisUrl`: limits out of the way for volume, and the
 * watchdog armed at 5 s so a stalled worker is replaced within a run.
 */
export function startFaultSystem(redisUrl: string, overrides: Record<string, string> = {}) {
  return startTestSystem({
    REDIS_URL: redisUrl,
    SENDCODE_SETTINGS: volumeSettingsFile(),
    WATCHDOG_STUCK_SECONDS: '5',
    ...overrides,
  });
}

/** One answer to `POST /v1/verifications`. */
export interface StartAttempt {
  readonly to: string;
  readonly status: number;
  /** From sending the request to the whole answer, ms. */
  readonly ms: number;
  /** Epoch ms the request was sent. */
  readonly at: number;
  readonly code: string | undefined;
  /** The verification's id, on a 201 or 200. */
  readonly id: string | undefined;
  readonly retryAfter: string | null;
}

/**
 * Starts one verification per destination with `concurrency` clients behaving as a well-written API
 * client does: a 503, a 409 `verification_being_created` (another request holds the destination for
 * a moment) or no answer at all is retried after its `Retry-After` (1 s without one) until 201 or
 * `retryUntil`; anything else is the final answer. Answers every attempt, and the destinations that
 * got a 201.
 */
export async function startRetrying(
  system: TestSystem,
  destinations: readonly string[],
  options: {
    concurrency: number;
    retryUntil: number;
    /** Send `Idempotency-Key` (the same on every retry of one destination). */
    idempotent?: boolean;
  },
): Promise<{ attempts: StartAttempt[]; accepted: Set<string> }> {
  const attempts: StartAttempt[] = [];
  const accepted = new Set<string>();
  let next = 0;
  const client = async () => {
    for (let i = next++; i < destinations.length; i = next++) {
      const to = destinations[i] as string;
      for (;;) {
        const attempt = await startOnce(system, to, options.idempotent === true);
        attempts.push(attempt);
        if (attempt.status === 201) accepted.add(to);
        if (!retryable(attempt) || Date.now() > options.retryUntil) break;
        await new Promise((resolve) => setTimeout(resolve, Number(attempt.retryAfter ?? 1) * 1000));
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, client));
  return { attempts, accepted };
}

const retryable = (attempt: StartAttempt) =>
  attempt.status === 503 ||
  attempt.status === 0 ||
  (attempt.status === 409 && attempt.code === 'verification_being_created');

async function startOnce(system: TestSystem, to: string, idempotent: boolean): Promise<StartAttempt> {
  const at = Date.now();
  try {
    const response = await fetch(`${system.gateway.url}/v1/verifications`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${system.verifyKey}`,
        'content-type': 'application/json',
        ...(idempotent ? { 'idempotency-key': `start-${to}` } : {}),
      },
      body: JSON.stringify({ to }),
    });
    const body = (await response.json()) as { id?: string; error?: { code?: string } };
    return {
      to,
      status: response.status,
      ms: Date.now() - at,
      at,
      code: body.error?.code,
      id: body.id,
      retryAfter: response.headers.get('retry-after'),
    };
  } catch {
    // No answer at all (connection reset, or the gateway gone): a client sees it as a 503 without Retry-After.
    return { to, status: 0, ms: Date.now() - at, at, code: undefined, id: undefined, retryAfter: null };
  }
}

/**
 * Waits (at most `timeoutMs`) until every accepted destination has a message, then counts what the
 * sandbox received for `destinations`. Codes are compared, never printed.
 */
export async function faultFigures(
  system: TestSystem,
  destinations: readonly string[],
  accepted: ReadonlySet<string>,
  timeoutMs: number,
): Promise<FaultFigures> {
  await untilArrived(system, accepted, timeoutMs);
  const wanted = new Set(destinations);
  const codes = new Map<string, (string | null)[]>();
  for (const message of system.sandbox.messages()) {
    if (wanted.has(message.to)) codes.set(message.to, [...(codes.get(message.to) ?? []), message.code]);
  }
  let delivered = 0;
  let duplicated = 0;
  let secondCodes = 0;
  let sentUnaccepted = 0;
  for (const [to, received] of codes) {
    if (accepted.has(to)) delivered += 1;
    else sentUnaccepted += 1;
    if (new Set(received).size > 1 || received.includes(null)) secondCodes += 1;
    else duplicated += received.length - 1;
  }
  return {
    accepted: accepted.size,
    delivered,
    lost: accepted.size - delivered,
    duplicated,
    secondCodes,
    sentUnaccepted,
  };
}

/** How many attempts got each status, e.g. `{"201":150,"503":10}` (0: no answer). */
export function statusCounts(attempts: readonly StartAttempt[]): string {
  const counts = new Map<number, number>();
  for (const { status } of attempts) counts.set(status, (counts.get(status) ?? 0) + 1);
  return JSON.stringify(Object.fromEntries([...counts].sort(([a], [b]) => a - b)));
}

/** Percentile `p` (0-100) of `values`, ms; 0 for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

/**
 * What became of up to `limit` accepted verifications that never reached the sandbox: status and
 * the kinds of their timeline events, one line each, for a failure message (no destination, no code).
 */
export async function whyLost(
  system: TestSystem,
  attempts: readonly StartAttempt[],
  limit = 5,
): Promise<string> {
  const arrived = new Set(system.sandbox.messages().map((m) => m.to));
  const lost = attempts.filter((a) => a.status === 201 && a.id !== undefined && !arrived.has(a.to));
  const lines = await Promise.all(
    lost.slice(0, limit).map(async ({ id }) => {
      const { body } = await system.api('GET', `/v1/verifications/${id}`);
      const events = (body?.timeline ?? []) as { type: string }[];
      return `${id}: ${body?.status} [${events.map((e) => e.type).join(', ')}]`;
    }),
  );
  return lines.join('\n');
}
