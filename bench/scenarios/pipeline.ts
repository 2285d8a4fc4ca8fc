/**
 * pipeline: N verifications accepted → all received by the sandbox (deliveries/s, and p50/p99 from
 * the 201 to the sandbox's receipt of the SMS), against raw BullMQ (baselines/raw-bullmq.ts).
 * The workers run without PUBLIC_URL, so no receipts are asked for: the gateway only accepts.
 * Also the CPU each process spent per delivery, and how busy the whole machine was: on a 2-core
 * machine the four processes share the cores, so this says where the time goes.
 * check: then N correct checks (`POST /v1/verifications/{id}/checks`) with the codes the sandbox got.
 */

import { cpus } from 'node:os';
import type { RawBullmq } from '../baselines/raw-bullmq.ts';
import { startedId, startRequest } from '../lib/api.ts';
import { CONFIG } from '../lib/config.ts';
import { load } from '../lib/load.ts';
import type { ScenarioResult } from '../lib/result.ts';
import { quantile, round, waitUntil } from '../lib/stats.ts';
import type { BenchSystem, CpuMs } from '../lib/system.ts';

export interface Delivered {
  readonly perSecond: number;
  readonly p50: number;
  readonly p99: number;
  /** id and code of each delivered verification. */
  readonly codes: ReadonlyArray<{ id: string; code: string }>;
  /** CPU ms each process spent per delivery over the run (see `BenchSystem.cpuMs`). */
  readonly cpuPerDelivery: CpuMs;
  /** Share of the machine's cores the four processes kept busy over the run (1 = all of them). */
  readonly machineBusy: number;
}

/** Starts `n` SMS verifications and waits (5 minutes at most) until the sandbox received them all. */
export async function deliverAll(system: BenchSystem, n: number): Promise<Delivered> {
  const acceptedAt = new Map<string, { id: string; at: number }>();
  const request = startRequest(system);
  const cpuBefore = system.cpuMs();
  const start = Date.now();
  await load({
    ...request,
    connections: CONFIG.connections,
    amount: n,
    onResponse(status, body, sent) {
      const id = startedId(status, body);
      if (id) acceptedAt.set(String(sent.body.to), { id, at: Date.now() });
    },
  });
  await waitUntil(() => system.sandbox.messages().length >= acceptedAt.size, 300_000, 100);
  const wallMs = Date.now() - start;
  const cpuAfter = system.cpuMs();
  const messages = system.sandbox.messages();
  const latencies: number[] = [];
  const codes: { id: string; code: string }[] = [];
  let last = start;
  for (const message of messages) {
    const accepted = acceptedAt.get(message.to);
    if (!accepted || message.code === null) continue;
    const at = Date.parse(message.receivedAt);
    last = Math.max(last, at);
    latencies.push(at - accepted.at);
    codes.push({ id: accepted.id, code: message.code });
  }
  if (codes.length < n) console.warn(`pipeline: ${codes.length} of ${n} delivered`);
  const used = (name: keyof CpuMs) => cpuAfter[name] - cpuBefore[name];
  const perDelivery = (name: keyof CpuMs) => round(used(name) / Math.max(1, codes.length), 2);
  const total = used('gateway') + used('workers') + used('redis') + used('bench');
  return {
    cpuPerDelivery: {
      gateway: perDelivery('gateway'),
      workers: perDelivery('workers'),
      redis: perDelivery('redis'),
      bench: perDelivery('bench'),
    },
    machineBusy: round(total / wallMs / cpus().length, 2),
    perSecond: codes.length / ((last - start) / 1000),
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
    codes,
  };
}

export function pipelineResult(ours: Delivered, raw: RawBullmq, n: number): ScenarioResult {
  return {
    name: 'pipeline',
    figures: {
      verifications: n,
      'deliveries/s': round(ours.perSecond, 0),
      'accept→provider p50 ms': ours.p50,
      'accept→provider p99 ms': ours.p99,
      'baseline jobs/s (raw BullMQ)': round(raw.perSecond, 0),
      'baseline add→done p50 ms': raw.p50,
      'baseline add→done p99 ms': raw.p99,
      'ratio (target ≥ 0.25)': round(ours.perSecond / raw.perSecond, 3),
      'CPU ms per delivery: gateway · workers · redis · bench (load + sandbox)': [
        ours.cpuPerDelivery.gateway,
        ours.cpuPerDelivery.workers,
        ours.cpuPerDelivery.redis,
        ours.cpuPerDelivery.bench,
      ].join(' · '),
      'machine busy over the run (share of all cores)': ours.machineBusy,
    },
  };
}

export async function checkScenario(system: BenchSystem, delivered: Delivered): Promise<ScenarioResult> {
  let next = 0;
  let valid = 0;
  const result = await load({
    url: system.gatewayUrl,
    headers: { authorization: `Bearer ${system.apiKey}` },
    connections: CONFIG.connections,
    amount: delivered.codes.length,
    next: () => {
      const pair = delivered.codes[next++ % delivered.codes.length] ?? { id: 'none', code: '000000' };
      return { path: `/v1/verifications/${pair.id}/checks`, body: { code: pair.code } };
    },
    onResponse(status, body) {
      if (status === 200 && (JSON.parse(body) as { valid?: boolean }).valid === true) valid++;
    },
  });
  return {
    name: 'check',
    figures: {
      checks: result.requests,
      valid,
      'checks/s': round(result.rps, 0),
      'p50 ms': result.p50,
      'p99 ms': result.p99,
    },
  };
}
