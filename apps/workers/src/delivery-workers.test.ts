import { describe, expect, it } from 'vitest';
import { shardConcurrency } from './delivery-workers.ts';

describe('concurrency of each queue shard', () => {
  const split = (total: number, shards: number) =>
    Array.from({ length: shards }, (_, shard) => shardConcurrency(total, shards, shard));

  it("splits a channel's WORKER_CONCURRENCY over its shards, the first ones taking the remainder", () => {
    expect(split(20, 1)).toEqual([20]);
    expect(split(20, 8)).toEqual([3, 3, 3, 3, 2, 2, 2, 2]);
    expect(split(20, 4)).toEqual([5, 5, 5, 5]);
    for (const shards of [2, 3, 5, 7, 16]) expect(split(100, shards).reduce((a, b) => a + b, 0)).toBe(100);
  });

  it('gives every shard at least one, so none is left unconsumed', () => {
    expect(split(2, 4)).toEqual([1, 1, 1, 1]);
  });

  it('gives a shard past the configured ones (left by a larger QUEUE_SHARDS) what a configured one gets', () => {
    expect(shardConcurrency(20, 8, 9)).toBe(2);
    expect(shardConcurrency(20, 1, 3)).toBe(20);
  });
});
