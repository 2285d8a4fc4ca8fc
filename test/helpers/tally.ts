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

/** What reached the sandbox for `destinations`: how many never arrived, how many arrived twice or more. */
export interface Tally {
  readonly lost: number;
  readonly duplicated: number;
  /** First arrival per destination, epoch ms. */
  readonly firstAt: ReadonlyMap<string, number>;
  /** Each destination that got more than one message, with how each came (for a failure message). */
  readonly copies: readonly string[];
}

/** Waits (at most `timeoutMs`) until every destination has a message, then counts. */
export async function tallyDeliveries(
  system: TestSystem,
  destinations: readonly string[],
  timeoutMs: number,
): Promise<Tally> {
  const deadline = Date.now() + timeoutMs;
  const arrived = () => new Set(system.sandbox.messages().map((m) => m.to));
  while (destinations.some((to) => !arrived().has(to)) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  // A late duplicate would arrive shortly after the last first copy.
  await new Promise((resolve) => setTimeout(resolve, 300));
  const counts = new Map<string, number>();
  const firstAt = new Map<string, number>();
  for (const message of system.sandbox.messages()) {
    counts.set(message.to, (counts.get(message.to) ?? 0) + 1);
    const at = Date.parse(message.receivedAt);
    firstAt.set(message.to, Math.min(at, firstAt.get(message.to) ?? at));
  }
  const lost = destinations.filter((to) => !counts.has(to)).length;
  const duplicated = destinations.reduce((sum, to) => sum + Math.max(0, (counts.get(to) ?? 0) - 1), 0);
  const copies = destinations
    .filter((to) => (counts.get(to) ?? 0) > 1)
    .map((to) => {
      const messages = system.sandbox.messages().filter((m) => m.to === to);
      return `${to}: ${messages.map((m) => `${m.channel} via ${m.provider} at ${m.receivedAt}`).join(', ')}`;
    });
  return { lost, duplicated, firstAt, copies };
}
