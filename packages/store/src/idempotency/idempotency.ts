import { createHash } from 'node:crypto';
import { hashTag, nonEmpty, positiveInteger, timestamp } from '../core/args.ts';
import type { RedisConnection } from '../core/connection.ts';
import { malformed, StoreError } from '../core/errors.ts';
import { DEFAULT_PREFIX } from '../core/keys.ts';
import { loadScripts, scriptRunner } from '../core/scripts.ts';

const SCRIPTS = loadScripts(import.meta.url, [
  'idempotencyBegin',
  'idempotencyComplete',
  'idempotencyAbandon',
]);

/**
 * `Idempotency-Key` support: a request with a key already used is answered from the first one's
 * stored response for 24 h, and a request that races an identical one in progress is told so instead
 * of starting a second verification. Each call is one Lua script on one key (`idempotency*.lua`).
 * Keys are per API client and hashed (they are the client's, may be long, and are never read back).
 *
 * A claim is not bound to its holder beyond the body hash: once its lock runs out, an identical
 * request may claim the key again, and the first holder's late `complete` then stores its answer over
 * that claim. Pick `lockMs` longer than a request can take.
 */
export interface IdempotencyStore {
  /**
   * Claims `key` for a request whose body hashes to `bodyHash`: 'new' (claimed, in progress, for
   * `lockMs` so a crashed request frees it), 'in_progress' (held by a request with the same body),
   * `{ state: 'replay', status, body }` (completed with the same body hash) or 'mismatch' (used with
   * another body, in progress or done).
   */
  begin(
    client: string,
    key: string,
    bodyHash: string,
    nowMs: number,
    lockMs: number,
  ): Promise<IdempotencyBegin>;
  /**
   * Stores the response for `ttlSeconds` (default 86400), only if the key is still in progress with
   * this body hash; otherwise a no-op.
   */
  complete(
    client: string,
    key: string,
    bodyHash: string,
    status: number,
    body: string,
    ttlSeconds?: number,
  ): Promise<void>;
  /** Releases an in-progress claim with this body hash (the request failed with a 5xx or threw): the client may retry. */
  abandon(client: string, key: string, bodyHash: string): Promise<void>;
}

/** What `begin` found. */
export type IdempotencyBegin =
  | 'new'
  | 'in_progress'
  | 'mismatch'
  | { readonly state: 'replay'; readonly status: number; readonly body: string };

/** Options of `createIdempotencyStore`. */
export interface IdempotencyStoreOptions {
  /** A connection the caller owns (and closes). */
  readonly redis: RedisConnection;
  /** Key prefix; default `sc`. */
  readonly prefix?: string;
}

/** Key of an idempotency key: `${prefix}:idem:{${client}}:${sha256 hex of the key}`, a hash. */
export function idempotencyKey(prefix: string, client: string, key: string): string {
  const digest = createHash('sha256').update(nonEmpty('idempotency key', key)).digest('hex');
  return `${prefix}:idem:{${hashTag('client', client)}}:${digest}`;
}

const DAY_SECONDS = 86_400;

function parseBegin(reply: unknown): IdempotencyBegin {
  if (!Array.isArray(reply)) throw malformed('idempotencyBegin');
  const [state, status, body]: unknown[] = reply;
  if (reply.length === 1 && (state === 'new' || state === 'in_progress' || state === 'mismatch')) {
    return state;
  }
  if (state === 'replay' && reply.length === 3 && typeof status === 'number' && typeof body === 'string') {
    return { state, status, body };
  }
  throw malformed('idempotencyBegin');
}

/** Builds the idempotency store over `options.redis`. Every method throws `invalid_argument` on bad input. */
export function createIdempotencyStore(options: IdempotencyStoreOptions): IdempotencyStore {
  const { redis, prefix = DEFAULT_PREFIX } = options;
  const run = scriptRunner(redis, SCRIPTS);
  const keys = (client: string, key: string) => [idempotencyKey(prefix, client, key)];

  return {
    async begin(client, key, bodyHash, nowMs, lockMs) {
      const args = [nonEmpty('bodyHash', bodyHash), timestamp(nowMs), positiveInteger('lockMs', lockMs)];
      return parseBegin(await run('idempotencyBegin', keys(client, key), args));
    },

    async complete(client, key, bodyHash, status, body, ttlSeconds = DAY_SECONDS) {
      if (!Number.isSafeInteger(status) || status < 100 || status > 599) {
        throw new StoreError('invalid_argument', 'status must be an HTTP status (100..599)');
      }
      const args = [nonEmpty('bodyHash', bodyHash), status, body, positiveInteger('ttlSeconds', ttlSeconds)];
      await run('idempotencyComplete', keys(client, key), args);
    },

    async abandon(client, key, bodyHash) {
      await run('idempotencyAbandon', keys(client, key), [nonEmpty('bodyHash', bodyHash)]);
    },
  };
}
