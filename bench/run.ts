/**
 * Benchmark harness entry point: runs each scenario in turn, prints a table and writes
 * bench/results/latest.json. Scenarios register in SCENARIOS; there are none yet.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';

interface ScenarioResult {
  readonly name: string;
  readonly figures: Readonly<Record<string, number>>;
}

const SCENARIOS: ReadonlyArray<{ name: string; run: () => Promise<ScenarioResult> }> = [];

const machine = { cores: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', node: process.version };
const results: ScenarioResult[] = [];
for (const scenario of SCENARIOS) results.push(await scenario.run());

console.log(`machine: ${machine.cores} cores (${machine.cpu}), Node ${machine.node}`);
if (results.length === 0) console.log('no scenarios yet');
for (const result of results) console.log(result.name, result.figures);
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(
  new URL('./results/latest.json', import.meta.url),
  JSON.stringify({ machine, results }, null, 2),
);
