import type { SandboxMessage } from '@sendcode/sandbox';
import { expect } from 'vitest';
import type { TestSystem } from './system.ts';

/** Starts one verification per destination, 50 at a time, through `gateways` in turn; all must be 201. */
export async function startAll(
  system: TestSystem,
  destinations: readonly string[],
  gateways = [system.gateway.url],
) {
  const started = new Map<string, number>();
  for (let i = 0; i < destinations.length; i += 50) {
    const answers = await Promise.all(
      destinations.slice(i, i + 50).map(async (to, j) => {
        const response = await fetch(`${gateways[j % gateways.length]}/v1/verifications`, {
          method: 'POST',
          headers: { authorization: `Bearer ${system.verifyKey}`, 'content-type': 'application/json' },
          body: JSON.stringify({ to }),
        });
        started.set(to, Date.now());
        return { status: response.status, body: (await response.json()) as { id?: string } };
      }),
    );
    expect(answers.map((answer) => answer.status).filter((status) => status !== 201)).toEqual([]);
  }
  return started;
}

/**
 * What reached the sandbox for `destinations`. Each suite starts one verification per destination, so
 * a destination stands for its verification: every message it got must carry that verification's one
 * code. Copies of that code are counted (`duplicated`) and each suite bounds them as its guarantee
 * says; a second, different code is never allowed (see {@link tallyMessages}).
 */
export interface Tally {
  /** Destinations that got nothing. */
  readonly lost: number;
  /** Extra copies of a destination's code beyond the first. */
  readonly duplicated: number;
  /** First arrival per destination, epoch ms. */
  readonly firstAt: ReadonlyMap<string, number>;
  /** The one code each destination that got something received: the code to check. */
  readonly codes: ReadonlyMap<string, string>;
  /** Each destination that got more than one message, with how each came (for a failure message). */
  readonly copies: readonly string[];
}

/**
 * Tallies `messages` (sandbox order, oldest first) for `destinations`, and throws when any destination
 * received two different codes, or a message with no code in it: a user holding two codes cannot know
 * which to type, whatever a suite tolerates for copies of one. The error names channel, provider and
 * arrival time of each message and tells the codes apart by letter, never printing one.
 */
export function tallyMessages(messages: readonly SandboxMessage[], destinations: readonly string[]): Tally {
  const byDestination = new Map<string, SandboxMessage[]>(destinations.map((to) => [to, []]));
  for (const message of messages) byDestination.get(message.to)?.push(message);

  let lost = 0;
  let duplicated = 0;
  const firstAt = new Map<string, number>();
  const codes = new Map<string, string>();
  const copies: string[] = [];
  const mixed: string[] = [];
  for (const [to, received] of byDestination) {
    if (received.length === 0) {
      lost += 1;
      continue;
    }
    firstAt.set(to, Math.min(...received.map((m) => Date.parse(m.receivedAt))));
    const code = theOneCode(received);
    if (code === undefined) {
      mixed.push(`${to}: ${describeMixed(received)}`);
      continue;
    }
    codes.set(to, code);
    duplicated += received.length - 1;
    if (received.length > 1) copies.push(`${to}: ${received.map(arrival).join(', ')}`);
  }
  if (mixed.length > 0) {
    throw new Error(
      `${mixed.length} of ${destinations.length} destinations did not get one and the same code:\n` +
        mixed.slice(0, 10).join('\n'),
    );
  }
  return { lost, duplicated, firstAt, codes, copies };
}

/** The code every message carries, or `undefined` when they differ or one has none. */
function theOneCode(received: readonly SandboxMessage[]): string | undefined {
  const [first, ...rest] = received.map((m) => m.code);
  return first !== null && first !== undefined && rest.every((code) => code === first) ? first : undefined;
}

/** "2 different codes: sms via twilio at … (code A), sms via vonage at … (code B)"; no code shown. */
function describeMixed(received: readonly SandboxMessage[]): string {
  const distinct = [...new Set(received.flatMap((m) => (m.code === null ? [] : [m.code])))];
  const label = (m: SandboxMessage) =>
    m.code === null ? 'no code' : `code ${String.fromCharCode(65 + distinct.indexOf(m.code))}`;
  const what = [
    ...(distinct.length > 1 ? [`${distinct.length} different codes`] : []),
    ...(received.some((m) => m.code === null) ? ['a message with no code'] : []),
  ].join(' and ');
  return `${what}: ${received.map((m) => `${arrival(m)} (${label(m)})`).join(', ')}`;
}

const arrival = (m: SandboxMessage) => `${m.channel} via ${m.provider} at ${m.receivedAt}`;

/**
 * Waits (at most `timeoutMs`) until every destination has a message, then tallies what arrived with
 * {@link tallyMessages}: throws when a destination got two different codes.
 */
export async function tallyDeliveries(
  system: TestSystem,
  destinations: readonly string[],
  timeoutMs: number,
): Promise<Tally> {
  await untilArrived(system, destinations, timeoutMs);
  return tallyMessages(system.sandbox.messages(), destinations);
}

/**
 * Waits (at most `timeoutMs`) until every one of `destinations` has a message, then a moment more for
 * a late copy. One pass over the sandbox's messages per poll: the sandbox shares this process, and a
 * poll that rebuilt the set once per destination (quadratic, at 5,000) starved its SMTP server of CPU
 * until the workers' calls timed out — and a call that times out may be taken all the same, and is
 * retried: a duplicate the harness made.
 */
export async function untilArrived(
  system: TestSystem,
  destinations: Iterable<string>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const wanted = [...destinations];
  const missing = () => {
    const arrived = new Set(system.sandbox.messages().map((m) => m.to));
    return wanted.some((to) => !arrived.has(to));
  };
  while (missing() && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await new Promise((resolve) => setTimeout(resolve, 500));
}

/** What one fault did to the verifications it was given: the figures the README reports. */
export interface FaultFigures {
  readonly accepted: number;
  readonly delivered: number;
  /** Accepted (201) and never delivered. */
  readonly lost: number;
  /** Extra copies of a destination's one code. */
  readonly duplicated: number;
  /** Destinations that received two different codes: must be 0. */
  readonly secondCodes: number;
  /** Destinations never accepted that received a code all the same (a 503 that was not "nothing sent"). */
  readonly sentUnaccepted: number;
}

/** The figures on one line, as `npm run test:reliability` prints them. */
export function printFigures(fault: string, figures: FaultFigures, extra = ''): void {
  const f = figures;
  console.log(
    `${fault}: accepted ${f.accepted}, delivered ${f.delivered}, lost ${f.lost}, duplicated ${f.duplicated}, ` +
      `second codes ${f.secondCodes}, sent without a 201 ${f.sentUnaccepted}${extra ? `; ${extra}` : ''}`,
  );
}

/**
 * A {@link Tally} of suites whose every verification was accepted (a 201 each), in the one shape:
 * a second code never gets this far (the tally throws), so it prints 0.
 */
export function printTally(fault: string, tally: Tally, extra = ''): void {
  const delivered = tally.codes.size;
  const { lost, duplicated } = tally;
  printFigures(
    fault,
    { accepted: delivered + lost, delivered, lost, duplicated, secondCodes: 0, sentUnaccepted: 0 },
    extra,
  );
}
