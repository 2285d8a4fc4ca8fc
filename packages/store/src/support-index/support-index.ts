import { hashTag, nonEmpty, nonNegativeInteger, positiveInteger, timestamp } from '../core/args.ts';
import type { RedisConnection } from '../core/connection.ts';
import { StoreError } from '../core/errors.ts';
import { DEFAULT_PREFIX } from '../core/keys.ts';
import { loadScripts, scriptRunner } from '../core/scripts.ts';
import { parseInteger } from '../core/values.ts';

const SCRIPTS = loadScripts(import.meta.url, ['indexAdd']);

/**
 * Where support finds verifications again: an index by destination and by accountRef, each keyed by a
 * keyed hash the caller made (`lookupHash`), never by the clear value. Each index holds the newest
 * 100 verification ids with their createdAt, for 7 days (the timelines' retention). An entry whose
 * verification goes sooner (a refused start, kept 24 h) may say so (`keepSeconds`): an index that holds
 * only such entries then goes with them instead of 7 days later.
 *
 * Each index is its own hash tag, so `find` over several hashes (one per lookup key, while keys rotate)
 * reads several slots: it issues one read per index, not a multi-key command.
 */
export interface SupportIndex {
  /**
   * Indexes verification `id` (created at `createdAt`, epoch ms) under `hash`, and keeps the index at
   * least `keepSeconds` from now (default, and at most, 7 days); a shorter keep never shortens it.
   */
  add(kind: IndexKind, hash: string, id: string, createdAt: number, keepSeconds?: number): Promise<void>;
  /**
   * Ids indexed under any of `kinds` created at or after `sinceMs`, newest first, each once, at most
   * `limit` of them.
   */
  find(
    kinds: readonly { readonly kind: IndexKind; readonly hash: string }[],
    sinceMs: number,
    limit: number,
  ): Promise<string[]>;
}

/** What an index is keyed by. Stored in Redis keys: never rename. */
export type IndexKind = 'destination' | 'account';

/** Options of `createSupportIndex`. */
export interface SupportIndexOptions {
  /** A connection the caller owns (and closes). */
  readonly redis: RedisConnection;
  /** Key prefix; default `sc`. */
  readonly prefix?: string;
}

/** Key of an index: `${prefix}:ix:{${kind}:${hash}}`, a ZSET of id -> createdAt. */
export function supportIndexKey(prefix: string, kind: IndexKind, hash: string): string {
  return `${prefix}:ix:{${kind}:${hashTag('hash', hash)}}`;
}

const RETENTION_SECONDS = 7 * 86_400;
const MAX_ENTRIES = 100;

function malformedScore(): StoreError {
  return new StoreError('malformed_counter', 'support index entry has a score that is not epoch ms');
}

/** Builds the index over `options.redis`. Every method throws `invalid_argument` on bad input. */
export function createSupportIndex(options: SupportIndexOptions): SupportIndex {
  const { redis, prefix = DEFAULT_PREFIX } = options;
  const run = scriptRunner(redis, SCRIPTS);

  return {
    async add(kind, hash, id, createdAt, keepSeconds = RETENTION_SECONDS) {
      const keep = Math.min(positiveInteger('keepSeconds', keepSeconds), RETENTION_SECONDS);
      const args = [nonEmpty('id', id), timestamp(createdAt), RETENTION_SECONDS, MAX_ENTRIES, keep];
      await run('indexAdd', [supportIndexKey(prefix, kind, hash)], args);
    },

    async find(kinds, sinceMs, limit) {
      const since = nonNegativeInteger('sinceMs', sinceMs);
      const count = positiveInteger('limit', limit);
      const keys = [...new Set(kinds.map(({ kind, hash }) => supportIndexKey(prefix, kind, hash)))];
      const replies = await Promise.all(
        keys.map((key) => redis.zrevrangebyscore(key, '+inf', since, 'WITHSCORES', 'LIMIT', 0, count)),
      );
      const newest = new Map<string, number>();
      for (const reply of replies) {
        for (let i = 0; i + 1 < reply.length; i += 2) {
          const id = reply[i];
          const score = parseInteger(reply[i + 1] ?? '');
          if (id === undefined || score === null) throw malformedScore();
          newest.set(id, Math.max(score, newest.get(id) ?? score));
        }
      }
      return [...newest]
        .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0))
        .slice(0, count)
        .map(([id]) => id);
    },
  };
}
