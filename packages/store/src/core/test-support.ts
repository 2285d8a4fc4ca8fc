import { testRedis, uniquePrefix } from '@sendcode/testing';
import type { Redis } from 'ioredis';
import {
  type CodeToCheck,
  createVerificationStore,
  type VerificationStoreOptions,
} from '../verification/verification-store.ts';
import type { NewVerification } from './types.ts';

/**
 * Test-only fixtures for the store's suites (not exported by the package).
 */

/** A fixed clock start, so expiry arithmetic in tests does not depend on the wall clock. */
export const T0 = Date.UTC(2025, 0, 1);

let counter = 0;

/** A unique verification id. */
export function newId(): string {
  counter += 1;
  return `ver_test${counter}_${Math.random().toString(36).slice(2, 10)}`;
}

/** A new verification with every field set; override what a test cares about. */
export function newVerification(overrides: Partial<NewVerification> = {}): NewVerification {
  return {
    id: newId(),
    client: 'test-client',
    planMasked: [
      { channel: 'email', to: 'ta***@docomo.ne.jp' },
      { channel: 'sms', to: '+81******5678' },
    ],
    sealedPlan: 'sealed-plan-blob',
    sealedCode: 'sealed-code-blob',
    codeHash: 'a'.repeat(64),
    codeLength: 6,
    locale: 'ja',
    brand: 'Contoso',
    purpose: 'sign_in',
    accountRef: 'acct-42',
    ttlSeconds: 600,
    createdAt: T0,
    expiresAt: T0 + 600_000,
    maxAttempts: 5,
    channel: 'email',
    ...overrides,
  };
}

/** The right hash for `newVerification()` and a wrong one of the same length. */
export const RIGHT = 'a'.repeat(64);
export const WRONG = `${'a'.repeat(63)}b`;

/** A check by `newVerification()`'s client of a code whose HMAC is `hash` (under the one key there is). */
export function typed(hash: string, client = 'test-client'): CodeToCheck {
  return { client, hashes: [{ keyId: 'k1', hash }] };
}

/** A store on the run's Redis under a prefix of its own; the caller quits `redis` in afterAll. */
export function openStore(label: string, options: Omit<VerificationStoreOptions, 'redis' | 'prefix'> = {}) {
  const redis = testRedis();
  const prefix = uniquePrefix(label);
  return { redis, prefix, store: createVerificationStore({ redis, prefix, ...options }) };
}

/**
 * The part of a key Redis Cluster hashes: the content of the first `{...}` when it is non-empty,
 * else the whole key. Keys with the same answer share a slot, so one script may touch them together.
 */
export function slotPart(key: string): string {
  const open = key.indexOf('{');
  const close = open === -1 ? -1 : key.indexOf('}', open + 1);
  return close > open + 1 ? key.slice(open + 1, close) : key;
}

/** Waits `ms` milliseconds (for TTL-driven behaviour only; logical time is passed as `nowMs`). */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Watches the commands Redis runs on `key` (a MONITOR of `redis`'s server). `stop()` waits until the
 * feed has shown everything run before it (an ECHO of its own goes last), then answers each command
 * seen, as its arguments, the name first in lower case.
 */
export async function watchKey(redis: Redis, key: string): Promise<{ stop(): Promise<string[][]> }> {
  const monitor = await redis.monitor();
  const seen: string[][] = [];
  const marker = `watch-done-${Math.random().toString(36).slice(2)}`;
  let done: () => void = () => {};
  const finished = new Promise<void>((resolve) => {
    done = resolve;
  });
  monitor.on('monitor', (_time: string, args: string[]) => {
    const [name = '', ...rest] = args;
    if (name.toLowerCase() === 'echo' && rest[0] === marker) done();
    else if (rest[0] === key) seen.push([name.toLowerCase(), ...rest]);
  });
  return {
    async stop() {
      await redis.echo(marker);
      await finished;
      await monitor.disconnect();
      return seen;
    },
  };
}
