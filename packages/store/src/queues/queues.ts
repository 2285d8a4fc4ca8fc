import type { ChannelName } from '@sendcode/policy';
import calculateSlot from 'cluster-key-slot';

/**
 * Queue names and job payloads shared by the gateway (producer) and the workers (consumers).
 *
 * WARNING: these values live in Redis. Renaming a queue or a payload field strands every job
 * already waiting under the old name. Add, never rename.
 */
export const QUEUE_NAMES = {
  email: 'deliver-email',
  sms: 'deliver-sms',
  voice: 'deliver-voice',
} as const satisfies Record<ChannelName, string>;

export type QueueName = (typeof QUEUE_NAMES)[ChannelName];

/**
 * A delivery job. It carries ids only: never the code, never the destination. The worker loads
 * everything else from the verification record.
 */
export interface DeliveryJob {
  readonly verificationId: string;
  /** Index into the verification's plan. */
  readonly step: number;
  /** Which send of this verification this is (1 for the first). Part of the job id, so a replay is a no-op. */
  readonly send: number;
}

/** Job id for a delivery: deterministic, so adding the same send twice enqueues it once. */
export function deliveryJobId(job: DeliveryJob): string {
  return `${job.verificationId}-${job.step}-${job.send}`;
}

/** The most shards one channel's queue may have (`QUEUE_SHARDS`). */
export const MAX_QUEUE_SHARDS = 16;

/**
 * Which of `shards` shards of its channel's queue a verification's sends go to: a hash of its id
 * (32-bit FNV-1a), so every send of it and every retried add land in one queue, where the job id
 * dedups them.
 */
export function queueShard(verificationId: string, shards: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < verificationId.length; i++) {
    hash = Math.imul(hash ^ verificationId.charCodeAt(i), 0x01000193);
  }
  return (hash >>> 0) % Math.max(1, shards);
}

const SLOTS = 16_384;

/** The Redis Cluster slot of a hash tag (ioredis's own slot function: CRC16 XMODEM, modulo 16384). */
export const hashSlot = (tag: string): number => calculateSlot(tag);

/**
 * Where shard `shard` sits on the ring of slots past shard 0, as a fraction of the ring: its index
 * bit-reversed (1 → 1/2, 2 → 1/4, 3 → 3/4, 4 → 1/8, …), so the first 2, 4, 8 or 16 shards are evenly
 * spaced, and a cluster whose masters hold equal runs of slots gets an equal share of them.
 */
function ringOffset(shard: number): number {
  let offset = 0;
  for (let rest = shard, weight = 0.5; rest > 0; rest >>= 1, weight /= 2) {
    if (rest & 1) offset += weight;
  }
  return offset;
}

/** How close to its place on the ring a shard's slot must be: 1/64 of it. */
const PLACE_WITHIN = SLOTS / 64;

/**
 * BullMQ key prefix of one shard of the queues. The braces make it a Redis Cluster hash tag so every
 * key of a queue lands in one slot, as BullMQ requires. Shard 0 is `{prefix:q}`, the one queue of
 * every deployment before queues were sharded (its waiting jobs stay where they are); shard n is
 * `{prefix:q:n:k}` with the first k whose slot is at the shard's place (`ringOffset`). Depends on
 * nothing but the prefix and n, so every process finds the same keys.
 */
export function queuePrefix(prefix: string, shard = 0): string {
  const base = `${prefix}:q`;
  if (shard === 0) return `{${base}}`;
  const place = hashSlot(base) + ringOffset(shard) * SLOTS;
  for (let k = 0; k < SLOTS * 4; k++) {
    const tag = `${base}:${shard}:${k}`;
    if ((hashSlot(tag) - place + 2 * SLOTS) % SLOTS < PLACE_WITHIN) return `{${tag}}`;
  }
  throw new Error(`no hash tag found for queue shard ${shard}`);
}
