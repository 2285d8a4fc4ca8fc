/**
 * Benchmark harness entry point (`npm run bench`, `npm run bench -- --quick`): starts its own Redis,
 * the sandbox, one gateway and one workers process, runs every scenario with its baseline in the same
 * run, prints a table and writes bench/results/latest.json. See bench/README.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { rawBullmq } from './baselines/raw-bullmq.ts';
import { CONFIG } from './lib/config.ts';
import { RESULTS_DIR } from './lib/processes.ts';
import type { ScenarioResult } from './lib/result.ts';
import { startBenchSystem } from './lib/system.ts';
import { acceptScenario } from './scenarios/accept.ts';
import { backlogScenario } from './scenarios/backlog.ts';
import { clusterScenario } from './scenarios/cluster.ts';
import { costScenario } from './scenarios/cost.ts';
import { durableScenario } from './scenarios/durable.ts';
import { outageScenario } from './scenarios/outage.ts';
import { notifmePerSecond, peerResult } from './scenarios/peer.ts';
import { checkScenario, deliverAll, pipelineResult } from './scenarios/pipeline.ts';
import { routingScenario } from './scenarios/routing.ts';
import { steadyScenario } from './scenarios/steady.ts';

mkdirSync(RESULTS_DIR, { recursive: true });
const machine = {
  cores: cpus().length,
  cpu: cpus()[0]?.model ?? 'unknown',
  memoryGb: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  mode: CONFIG.quick ? 'quick' : 'full',
};
const startedAt = Date.now();
const results: ScenarioResult[] = [];
const step = (name: string) =>
  console.log(`bench: ${name} (${Math.round((Date.now() - startedAt) / 1000)} s)`);

if (CONFIG.clusterOnly) {
  step(`cluster: pipeline of ${CONFIG.clusterN} on a local three-master Redis Cluster`);
  results.push(await clusterScenario(CONFIG.clusterN));
  finish('cluster.json');
}

const system = await startBenchSystem();
try {
  // No workers yet: the gateway alone, then the backlog waits for them.
  step('accept, taking turns with its baseline: express hello-world');
  const accept = await acceptScenario(system);
  results.push(accept.result);
  step('durable: accept with REDIS_WAIT_REPLICAS 0 and 1, taking turns, on a Redis with one replica');
  results.push(await durableScenario(system));
  step(`backlog: filling ${CONFIG.backlog}`);
  results.push(await backlogScenario(system, accept.accept));

  step('pipeline baseline: raw BullMQ');
  await system.startWorkers(false);
  const raw = await rawBullmq(system, CONFIG.n);
  await system.reset();
  step(`pipeline: ${CONFIG.n}`);
  const delivered = await deliverAll(system, CONFIG.n);
  results.push(pipelineResult(delivered, raw, CONFIG.n));
  step('check');
  results.push(await checkScenario(system, delivered));
  step('outage');
  results.push(await outageScenario(system));
  step('peer: notifme-sdk');
  results.push(peerResult(delivered.perSecond, await notifmePerSecond(system, CONFIG.n)));
  await system.stopWorkers();

  await system.startWorkers(true);
  step('steady: 25 % of the pipeline’s capacity, receipts on');
  results.push(await steadyScenario(system, delivered.perSecond));
  step(`cost: ${CONFIG.costN} lifecycles with receipts`);
  results.push(await costScenario(system, CONFIG.costN, raw));
  await system.stopWorkers();

  step('routing: a silent provider at the default settings, on a scaled clock');
  results.push(await routingScenario(system));
} finally {
  await system.close();
}
step(`cluster: pipeline of ${CONFIG.clusterN} on a local three-master Redis Cluster`);
results.push(await clusterScenario(CONFIG.clusterN));
finish('latest.json');

/** Prints the table and writes it to bench/results/`file` (`--cluster` alone: cluster.json, not latest.json). */
function finish(file: string): never {
  console.log(
    `\nmachine: ${machine.cores} cores (${machine.cpu}), ${machine.memoryGb} GB, Node ${machine.node}; ${machine.mode} run in ${Math.round((Date.now() - startedAt) / 1000)} s`,
  );
  for (const result of results) {
    console.log(`\n${result.name}`);
    for (const [figure, value] of Object.entries(result.figures))
      console.log(`  ${figure.padEnd(64)} ${value}`);
  }
  writeFileSync(`${RESULTS_DIR}${file}`, JSON.stringify({ machine, config: CONFIG, results }, null, 2));
  process.exit(0);
}
