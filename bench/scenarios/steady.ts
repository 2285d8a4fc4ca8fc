/**
 * steady: ordinary load. Starts at a fixed rate — 25 % of the capacity the pipeline scenario measured
 * in the same run (its deliveries/s) — for BENCH_STEADY_SECONDS (60; quick 15), receipts on (the
 * workers run with PUBLIC_URL, as in the cost scenario). Open loop: the i-th start is due at i / rate
 * seconds and is sent then whatever the answers before it, so a slow answer shows as latency instead
 * of slowing the load down (a closed loop hides it). Each latency is counted from the start's due time.
 * - accept: due → its 201 arrived;
 * - 201 → provider: the sandbox's `receivedAt` (same process, same clock);
 * - 201 → delivered: the `delivered` event of the verification's timeline, the time the gateway
 *   recorded the final receipt (its clock: same machine). The sandbox answers 10 ms after accepting
 *   a message with `sent`, and 10 ms later with `delivered`.
 * The workers process has just been restarted (with PUBLIC_URL), so its code is not compiled yet: a
 * warm-up of BENCH_STEADY_WARMUP_SECONDS (10; quick 5) at the same rate runs first, drained and
 * discarded, as a deployment serving sign-ins has long been warm.
 */
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { startedId, startRequest } from '../lib/api.ts';
import { CONFIG } from '../lib/config.ts';
import { type ScenarioResult, target } from '../lib/result.ts';
import { quantile, round, sleep, waitUntil } from '../lib/stats.ts';
import type { BenchSystem } from '../lib/system.ts';

/** Seconds of steady load (full run 60, quick 15). */
const SECONDS = Number(process.env.BENCH_STEADY_SECONDS ?? (CONFIG.quick ? 15 : 60));
/** Seconds of the same load before, not measured (full run 10, quick 5). */
const WARMUP_SECONDS = Number(process.env.BENCH_STEADY_WARMUP_SECONDS ?? (CONFIG.quick ? 5 : 10));
/** Share of the pipeline's capacity the load runs at. */
const SHARE = 0.25;

interface Started {
  readonly id: string;
  readonly to: string;
  /** Epoch ms the 201 arrived. */
  readonly acceptedAt: number;
  /** Its due time → the 201. */
  readonly acceptMs: number;
  /** Its due time → the request written: the load generator's own lateness, part of `acceptMs`. */
  readonly lateMs: number;
}

export async function steadyScenario(
  system: BenchSystem,
  capacityPerSecond: number,
): Promise<ScenarioResult> {
  const rate = Math.max(1, Math.round(capacityPerSecond * SHARE));
  await system.reset();
  await drained(system, await openLoop(system, rate, WARMUP_SECONDS));
  await system.reset();
  const { started, failed } = await openLoop(system, rate, SECONDS);
  await drained(system, { started });
  const sentAt = new Map(system.sandbox.messages().map((m) => [m.to, Date.parse(m.receivedAt)]));
  const toProvider = started.flatMap((s) => {
    const at = sentAt.get(s.to);
    return at === undefined ? [] : [at - s.acceptedAt];
  });
  const toDelivered = (await deliveredTimes(system, started)).flatMap((at, i) => {
    const s = started[i];
    return at === undefined || s === undefined ? [] : [at - s.acceptedAt];
  });
  const accept = started.map((s) => s.acceptMs);
  const late = started.map((s) => s.lateMs);
  await system.reset();
  const p = (values: number[], q: number) => round(quantile(values, q), 1);
  return {
    name: 'steady',
    figures: {
      'rate, starts/s (25 % of the pipeline’s deliveries/s)': rate,
      seconds: SECONDS,
      'warm-up seconds before (not measured)': WARMUP_SECONDS,
      'starts answered 201 · not': `${started.length} · ${failed}`,
      'delivered receipts recorded': toDelivered.length,
      'accept p50 ms': p(accept, 0.5),
      'accept p99 ms': target(p(accept, 0.99), 25, 'at most'),
      'of it, the load generator late (due → request written) p50 · p99 ms': `${p(late, 0.5)} · ${p(late, 0.99)}`,
      '201 → provider p50 ms': p(toProvider, 0.5),
      '201 → provider p99 ms': target(p(toProvider, 0.99), 50, 'at most'),
      '201 → delivered receipt p50 ms': p(toDelivered, 0.5),
      '201 → delivered receipt p99 ms': target(p(toDelivered, 0.99), 100, 'at most'),
    },
  };
}

/** Waits until the sandbox received every start's message and posted its receipts. */
async function drained(system: BenchSystem, { started }: { started: readonly Started[] }) {
  await waitUntil(() => system.sandbox.messages().length >= started.length, 60_000, 50);
  await system.sandbox.receiptsSettled();
}

/** Sends `rate` starts a second for `seconds`, each at its due time (open loop). */
async function openLoop(system: BenchSystem, rate: number, seconds: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: CONFIG.connections });
  const { url, headers, next } = startRequest(system);
  const started: Started[] = [];
  let failed = 0;
  const answers: Promise<void>[] = [];
  const begin = performance.now();
  for (let i = 0; i < Math.round(rate * seconds); i += 1) {
    const due = begin + (i * 1000) / rate;
    const ahead = due - performance.now();
    if (ahead >= 1) await sleep(ahead);
    const sent = next();
    const lateMs = performance.now() - due;
    const answered = post(agent, `${url}${sent.path}`, headers, JSON.stringify(sent.body)).then(
      ({ status, body }) => {
        const id = startedId(status, body);
        const acceptMs = performance.now() - due;
        if (id) started.push({ id, to: String(sent.body.to), acceptedAt: Date.now(), acceptMs, lateMs });
        else failed += 1;
      },
      () => {
        failed += 1;
      },
    );
    answers.push(answered);
  }
  await Promise.all(answers);
  agent.destroy();
  return { started, failed };
}

function post(agent: Agent, url: string, headers: Record<string, string>, body: string) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const outgoing = request(url, {
      method: 'POST',
      agent,
      headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    });
    outgoing.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
      );
      response.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/** The epoch ms of each start's `delivered` event (GET /v1/verifications/{id}), 16 reads at a time. */
async function deliveredTimes(system: BenchSystem, started: readonly Started[]) {
  const times: (number | undefined)[] = [];
  let next = 0;
  const reader = async () => {
    for (let i = next++; i < started.length; i = next++) {
      const response = await fetch(`${system.gatewayUrl}/v1/verifications/${started[i]?.id}`, {
        headers: { authorization: `Bearer ${system.apiKey}` },
      });
      const view = (await response.json()) as { timeline?: { type: string; at: string }[] };
      const delivered = view.timeline?.find((event) => event.type === 'delivered');
      times[i] = delivered ? Date.parse(delivered.at) : undefined;
    }
  };
  await Promise.all(Array.from({ length: 16 }, reader));
  return times;
}
