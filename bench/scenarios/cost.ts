/**
 * cost: Redis commands per verification lifecycle — start → send → delivery receipt → correct check —
 * as the INFO commandstats delta (commands run inside Lua scripts included; the workers' idle polling
 * too) divided by the number of lifecycles; and Redis memory (INFO used_memory delta) per pending
 * verification once its SMS went out and its receipt came back (queues drained). The workers run
 * with PUBLIC_URL here, so receipts are asked for and posted back to the gateway.
 * MONITOR splits the count: commands clients sent (round trips on the wire) against commands run inside
 * Lua scripts, and those on BullMQ's keys; the raw BullMQ baseline's commands per no-op job, from the
 * same run, is BullMQ's own floor for one job.
 */
import type { RawBullmq } from '../baselines/raw-bullmq.ts';
import { monitorCommands, redisCommandCounts, redisCommands, usedMemory } from '../lib/api.ts';
import { type ScenarioResult, target } from '../lib/result.ts';
import { round, sleep, waitUntil } from '../lib/stats.ts';
import type { BenchSystem } from '../lib/system.ts';
import { checkScenario, deliverAll } from './pipeline.ts';

export async function costScenario(system: BenchSystem, n: number, raw: RawBullmq): Promise<ScenarioResult> {
  await system.reset();
  const commandsBefore = await redisCommands(system);
  const countsBefore = await redisCommandCounts(system);
  const memoryBefore = await usedMemory(system);
  const monitor = await monitorCommands(system);
  const delivered = await deliverAll(system, n);
  await waitUntil(
    () => system.sandbox.messages().every((m) => m.lastCallbackStatus !== undefined),
    60_000,
    100,
  );
  await system.sandbox.receiptsSettled();
  const memoryAfter = await usedMemory(system);
  const receipts = system.sandbox
    .messages()
    .filter((m) => (m.lastCallbackStatus ?? 0) >= 200 && (m.lastCallbackStatus ?? 0) < 300).length;
  const check = await checkScenario(system, delivered);
  await sleep(500); // the last MONITOR lines still on their way
  const split = monitor.stop();
  const commands = (await redisCommands(system)) - commandsBefore;
  const lifecycles = delivered.codes.length;
  const countsAfter = await redisCommandCounts(system);
  const top = [...countsAfter]
    .map(([name, calls]) => [name, (calls - (countsBefore.get(name) ?? 0)) / lifecycles] as const)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 8)
    .map(([name, calls]) => `${name} ${round(calls, 1)}`)
    .join(', ');
  await system.reset();
  return {
    name: 'cost',
    figures: {
      lifecycles,
      'receipts accepted': receipts,
      'valid checks': check.figures.valid ?? 0,
      'redis commands per verification': round(commands / lifecycles, 1),
      '  of which sent by a client (round trips on the wire)': target(
        round(split.client / lifecycles, 1),
        20,
        'at most',
      ),
      '  of which run inside Lua scripts': round(split.lua / lifecycles, 1),
      '  of which on BullMQ keys': round(split.queue / lifecycles, 1),
      '  of which our own (not on BullMQ keys)': target(
        round((split.client + split.lua - split.queue) / lifecycles, 1),
        45,
        'at most',
      ),
      'raw BullMQ no-op job, commands per job (same run)': round(raw.commandsPerJob, 1),
      'top commands per verification': top,
      'redis bytes per pending verification, drained': target(
        round((memoryAfter - memoryBefore) / lifecycles, 0),
        2048,
        'at most',
      ),
    },
  };
}
