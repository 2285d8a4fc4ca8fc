import { afterAll, beforeAll, expect, it } from 'vitest';
import { volumeSettingsFile } from '../helpers/settings.ts';
import { startTestSystem, type TestSystem } from '../helpers/system.ts';

/**
 * Provider chaos: every provider fails 30 % of calls (and answers slowly) for a whole run. Every
 * verification must still be delivered within its lifetime, through retries and failover. Prints lost,
 * duplicated and the p99 time to delivery. `CHAOS_N` sets the run's size (2,000 in the full run).
 */
const N = Number(process.env.CHAOS_N ?? 400);
let system: TestSystem;

beforeAll(async () => {
  system = await startTestSystem({
    SENDCODE_SETTINGS: volumeSettingsFile(),
    DELIVERY_BACKOFF_MS: '200',
    WORKER_CONCURRENCY: '50',
  });
  for (const [provider, channel] of [
    ['twilio', 'sms'],
    ['vonage', 'sms'],
    ['smtp', 'email'],
  ] as const) {
    system.sandbox.addFault({
      provider,
      channel,
      mode: 'error',
      status: provider === 'smtp' ? 451 : 503,
      rate: 0.3,
      latencyMs: 20,
    });
  }
});
afterAll(() => system.close());

it(`delivers all of ${N} verifications while every provider fails 30 % of calls`, {
  timeout: 240_000,
}, async () => {
  const started = new Map<string, number>();
  const ids = new Map<string, string>();
  const destinations = Array.from({ length: N }, (_, i) =>
    i % 2 === 0 ? `chaos${i}@example.com` : `+8190${String(40_000_000 + i).padStart(8, '0')}`,
  );
  for (let i = 0; i < N; i += 50) {
    await Promise.all(
      destinations.slice(i, i + 50).map(async (to) => {
        // A distinct purpose per start would not help here: destinations are all distinct already.
        const answer = await system.api('POST', '/v1/verifications', { to });
        expect(answer.status).toBe(201);
        started.set(to, Date.now());
        ids.set(to, answer.body.id);
      }),
    );
  }

  const deadline = Date.now() + Number(process.env.CHAOS_WAIT_MS ?? 200_000);
  const pending = () => destinations.filter((to) => !system.sandbox.messages().some((m) => m.to === to));
  while (pending().length > 0 && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 250));

  const messages = system.sandbox.messages();
  const byDestination = new Map<string, number[]>();
  for (const message of messages) {
    const list = byDestination.get(message.to) ?? [];
    list.push(Date.parse(message.receivedAt));
    byDestination.set(message.to, list);
  }
  const lost = destinations.filter((to) => !byDestination.has(to)).length;
  const duplicated = destinations.reduce(
    (sum, to) => sum + Math.max(0, (byDestination.get(to)?.length ?? 0) - 1),
    0,
  );
  const latencies = destinations
    .map((to) => Math.min(...(byDestination.get(to) ?? [Number.POSITIVE_INFINITY])) - (started.get(to) ?? 0))
    .sort((a, b) => a - b);
  const p99 = latencies[Math.floor(latencies.length * 0.99)] ?? Number.POSITIVE_INFINITY;
  console.log(
    `chaos: ${N} verifications, lost ${lost}, duplicated ${duplicated}, p99 time to delivery ${p99} ms`,
  );

  const firstLost = destinations.find((to) => !byDestination.has(to));
  if (firstLost) {
    const metrics = await (await fetch(`${system.workers.url}/metrics`)).text();
    console.log(
      metrics
        .split('\n')
        .filter((l) => l.startsWith('sendcode_send_attempts_total') && !l.endsWith(' 0'))
        .join('\n'),
    );
    const view = (await system.api('GET', `/v1/verifications/${ids.get(firstLost)}`)).body;
    console.log('first lost:', JSON.stringify({ status: view.status, timeline: view.timeline }));
  }
  expect(lost).toBe(0);
  // Within the code's lifetime (600 s), with room to spare.
  expect(p99).toBeLessThan(600_000);
});
