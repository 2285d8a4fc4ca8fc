import type { ChannelName } from '@sendcode/policy';
import calculateSlot from 'cluster-key-slot';
import { Cluster, type Redis } from 'ioredis';
import { pendingKey } from '../admission/admission.ts';
import type { RedisConnection } from '../core/connection.ts';
import { verificationKeys } from '../core/keys.ts';
import type { DeliveryQueues } from '../queues/delivery-queue.ts';
import { sendWatchKey } from '../send-watch/send-watch.ts';

/**
 * Durable accept (`REDIS_WAIT_REPLICAS`): Redis replicates asynchronously, so a master that dies
 * right after answering takes its last writes with it, and the replica promoted in its place never
 * heard of them. `WAIT n timeout` answers once `n` replicas have acknowledged every write made so far
 * on the connection it is sent on. So after the writes that make a promise — a start's verification,
 * pending-index claim, send watch and first job; a resend's send, watch and job; a worker's
 * "accepted by the provider" — a WAIT goes to each master that took one of them, over the connection
 * that carried them (on a cluster, the node's own connection: ioredis sends a slot's commands there,
 * BullMQ's Queue shares ours). Fewer acknowledgements than asked within the timeout fail with
 * `ReplicaWaitError`, which callers treat as Redis being unavailable: the writes stand (WAIT undoes
 * nothing), only the promise is not made.
 */
export interface Durability {
  /** Replicas each write must reach before it counts; 0: off, every method returns at once. */
  readonly replicas: number;
  /** After a start of `verificationId`: its record, its claim, the watch and the job. */
  started(start: StartedKeys): Promise<void>;
  /** After an API resend: its send on the record, the watch and the job. */
  resent(job: QueuedSend): Promise<void>;
  /** After a worker recorded the send of `verificationId` as accepted by the provider. */
  accepted(verificationId: string): Promise<void>;
}

/** What names the keys a start wrote. */
export interface StartedKeys {
  readonly verificationId: string;
  readonly client: string;
  readonly lookup: string;
  readonly purpose: string;
  /** The channel whose queue took the job. */
  readonly channel: ChannelName;
}

/** A send and the channel whose queue took its job. */
export interface QueuedSend {
  readonly verificationId: string;
  readonly step: number;
  readonly send: number;
  readonly channel: ChannelName;
}

export interface DurabilityOptions {
  readonly redis: RedisConnection;
  readonly prefix: string;
  readonly queues: DeliveryQueues;
  /** `REDIS_WAIT_REPLICAS`; default 0 (off). */
  readonly replicas?: number;
  /** `REDIS_WAIT_TIMEOUT_MS`: how long one WAIT may block its connection; default 500. */
  readonly timeoutMs?: number;
}

/** Fewer replicas than asked acknowledged the writes in time; the writes stand. */
export class ReplicaWaitError extends Error {
  override readonly name = 'ReplicaWaitError';
}

export function createDurability(options: DurabilityOptions): Durability {
  const { redis, prefix, queues, replicas = 0, timeoutMs = 500 } = options;
  const reached = async (keys: readonly string[]) => {
    if (replicas === 0) return;
    const nodes = new Set(keys.map((key) => nodeOf(redis, key)));
    const acks = await Promise.all([...nodes].map((node) => node.wait(replicas, timeoutMs)));
    const short = acks.filter((ack) => ack < replicas).length;
    if (short > 0) {
      throw new ReplicaWaitError(
        `${short} of ${nodes.size} Redis masters reached fewer than ${replicas} replicas`,
      );
    }
  };
  /** A queued send's keys: its record, the send watch and its job's queue shard. */
  const queued = ({ channel, ...job }: QueuedSend) => [
    verificationKeys(prefix, job.verificationId).record,
    sendWatchKey(prefix),
    queues.queueOf(channel, job).toKey('wait'),
  ];
  return {
    replicas,
    started: (start) =>
      reached([
        // The first job: every send of a verification goes to the same queue shard.
        ...queued({ verificationId: start.verificationId, step: 0, send: 1, channel: start.channel }),
        pendingKey(prefix, start.client, start.lookup, start.purpose),
      ]),
    resent: (job) => reached(queued(job)),
    // The sends document shares the record's slot; the watch's entry is a reconciler's hint.
    accepted: (verificationId) => reached([verificationKeys(prefix, verificationId).record]),
  };
}

/**
 * The connection that carries `key`'s commands: the one Redis, or on a cluster its slot's master as
 * the client's slot map has it now. A map gone stale in a failover names the dead master (WAIT fails)
 * or a replica (Redis refuses WAIT there): unavailable either way, never a false success.
 */
export function nodeOf(redis: RedisConnection, key: string): Redis {
  if (!(redis instanceof Cluster)) return redis;
  const master = redis.slots[calculateSlot(key)]?.[0];
  const node = redis.nodes('master').find((n) => `${n.options.host}:${n.options.port}` === master);
  if (!node) throw new ReplicaWaitError('no master is known for a key: the cluster is not ready');
  return node;
}
