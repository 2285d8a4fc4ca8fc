import { createHash } from 'node:crypto';
import { positiveInteger } from './args.ts';
import type { RedisConnection } from './connection.ts';
import { StoreError } from './errors.ts';
import { DEFAULT_PREFIX } from './keys.ts';

/**
 * Replay protection for provider webhooks: a signed request is accepted once per nonce (a signature,
 * a message id plus timestamp...) within its TTL. A claim is one `SET NX EX`, so concurrent gateways
 * agree on who got it first. Nonces are hashed into the key: they may be long, and need not be read back.
 */
export interface NonceStore {
  /** Claims `nonce` in `scope` for `ttlSeconds`: true the first time, false while an earlier claim lives. */
  claim(scope: string, nonce: string, ttlSeconds: number): Promise<boolean>;
  /** Gives a claim back, e.g. when handling the request failed and the provider should be able to retry it. */
  release(scope: string, nonce: string): Promise<void>;
}

/** Options of `createNonceStore`. */
export interface NonceStoreOptions {
  /** A connection the caller owns (and closes). */
  readonly redis: RedisConnection;
  /** Key prefix; default `sc`. */
  readonly prefix?: string;
}

/** Key of a nonce: `${prefix}:n:${scope}:${sha256 hex of the nonce}`. */
export function nonceKey(prefix: string, scope: string, nonce: string): string {
  if (scope === '' || nonce === '')
    throw new StoreError('invalid_argument', 'scope and nonce must be non-empty');
  return `${prefix}:n:${scope}:${createHash('sha256').update(nonce).digest('hex')}`;
}

/** Builds a nonce store over `options.redis`. */
export function createNonceStore(options: NonceStoreOptions): NonceStore {
  const { redis, prefix = DEFAULT_PREFIX } = options;
  return {
    async claim(scope, nonce, ttlSeconds) {
      const key = nonceKey(prefix, scope, nonce);
      const reply = await redis.set(key, '1', 'EX', positiveInteger('ttlSeconds', ttlSeconds), 'NX');
      return reply === 'OK';
    },

    async release(scope, nonce) {
      await redis.del(nonceKey(prefix, scope, nonce));
    },
  };
}
