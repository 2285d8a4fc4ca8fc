import { describe, expect, it } from 'vitest';
import { hashSlot, MAX_QUEUE_SHARDS, queuePrefix, queueShard } from './queues.ts';

const SLOTS = 16_384;
/** Distance from `a` forward to `b` on the ring of slots. */
const forward = (a: number, b: number) => (b - a + SLOTS) % SLOTS;
const slotOf = (prefix: string) => hashSlot(prefix.slice(1, -1));

describe('queue shards', () => {
  it('puts every send of a verification in one shard, and spreads verifications evenly', () => {
    expect(queueShard('ver_a', 8)).toBe(queueShard('ver_a', 8));
    expect(queueShard('ver_a', 1)).toBe(0);
    const counts = new Array<number>(8).fill(0);
    for (let i = 0; i < 8_000; i++) {
      const shard = queueShard(`ver_${i.toString(16).padStart(32, '0')}`, 8);
      counts[shard] = (counts[shard] ?? 0) + 1;
    }
    for (const count of counts) expect(count).toBeGreaterThan(850);
    for (const count of counts) expect(count).toBeLessThan(1_150);
  });

  it('computes the slot Redis Cluster does (CRC16 XMODEM: "123456789" is 0x31C3)', () => {
    expect(hashSlot('123456789')).toBe(0x31c3);
    expect(hashSlot('')).toBe(0);
  });

  it("keeps shard 0 at the unsharded queues' keys, so jobs already waiting there are consumed", () => {
    expect(queuePrefix('sc')).toBe('{sc:q}');
    expect(queuePrefix('sc', 0)).toBe('{sc:q}');
  });

  it('gives every shard its own hash tag, the same on every call', () => {
    for (const prefix of ['sc', 'acme-prod', 'x']) {
      const tags = Array.from({ length: MAX_QUEUE_SHARDS }, (_, shard) => queuePrefix(prefix, shard));
      expect(new Set(tags).size).toBe(MAX_QUEUE_SHARDS);
      expect(new Set(tags.map(slotOf)).size).toBe(MAX_QUEUE_SHARDS);
      for (const tag of tags) expect(tag).toMatch(new RegExp(`^\\{${prefix}:q(:\\d+:\\d+)?\\}$`));
      expect(Array.from({ length: MAX_QUEUE_SHARDS }, (_, shard) => queuePrefix(prefix, shard))).toEqual(
        tags,
      );
    }
  });

  it('spaces the first 2, 4 and 8 shards evenly around the slots (within 1/64 of them)', () => {
    for (const prefix of ['sc', 'acme-prod', 'x']) {
      const zero = slotOf(queuePrefix(prefix));
      for (const count of [2, 4, 8]) {
        const places = Array.from({ length: count }, (_, shard) =>
          forward(zero, slotOf(queuePrefix(prefix, shard))),
        );
        const sorted = [...places].sort((a, b) => a - b);
        sorted.forEach((place, i) => {
          expect(place).toBeGreaterThanOrEqual((i * SLOTS) / count);
          expect(place).toBeLessThan((i * SLOTS) / count + SLOTS / 64);
        });
      }
    }
  });
});
