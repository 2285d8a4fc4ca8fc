import { type Logger, withTimeout } from '@sendcode/runtime';
import type { RedisMemory } from '@sendcode/store';
import { Gauge, type Registry } from 'prom-client';

/** Redis that does not answer must not hang the scrape: give up and export nothing instead. */
const COLLECT_TIMEOUT_MS = 2_000;

/**
 * Exports the memory of the Redis server (or each cluster master) Sendcode uses, read with
 * `INFO memory` at each scrape: `sendcode_redis_memory_used_bytes{node}` and
 * `sendcode_redis_memory_max_bytes{node}` (0: no `maxmemory`). At the limit, under `noeviction`,
 * Redis refuses what could grow memory and starts answer 503 `unavailable`; the
 * `SendcodeRedisMemoryNearLimit` alert fires before that. When Redis does not answer within 2 s the
 * scrape goes on without them (logged). `node` is `host:port`, a handful of values.
 */
export function registerRedisMemoryMetrics(
  registry: Registry,
  read: () => Promise<readonly RedisMemory[]>,
  logger: Logger,
): void {
  // Both gauges of one scrape share one read.
  let pending: Promise<readonly RedisMemory[] | undefined> | undefined;
  const once = () => {
    pending ??= withTimeout(read(), COLLECT_TIMEOUT_MS)
      .catch((error: unknown) => {
        logger.warn({ err: error }, 'redis memory metrics: Redis did not answer');
        return undefined;
      })
      .finally(() => {
        setImmediate(() => {
          pending = undefined;
        });
      });
    return pending;
  };
  const gauge = (name: string, help: string, value: (memory: RedisMemory) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['node'],
      registers: [registry],
      async collect() {
        this.reset();
        for (const memory of (await once()) ?? []) {
          if (Number.isFinite(value(memory))) this.set({ node: memory.node }, value(memory));
        }
      },
    });
  gauge(
    'sendcode_redis_memory_used_bytes',
    'Memory Redis has allocated (INFO used_memory), per server or cluster master.',
    (memory) => memory.usedBytes,
  );
  gauge(
    'sendcode_redis_memory_max_bytes',
    'Redis maxmemory, per server or cluster master; 0 when unset. At it, under noeviction, starts answer 503.',
    (memory) => memory.maxBytes,
  );
}
