import type { ChannelName } from '@sendcode/policy';

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

/**
 * BullMQ key prefix. The braces make it a Redis Cluster hash tag so every key of every queue lands
 * in one slot, as BullMQ requires.
 */
export function queuePrefix(prefix: string): string {
  return `{${prefix}:q}`;
}
