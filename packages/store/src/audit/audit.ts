import { nonEmpty, nonNegativeInteger, positiveInteger, timestamp } from '../core/args.ts';
import type { RedisConnection } from '../core/connection.ts';
import { StoreError } from '../core/errors.ts';
import { DEFAULT_PREFIX } from '../core/keys.ts';

/**
 * The support audit log: one entry per support lookup — who looked, when, by what kind of query and
 * how many verifications it found. The query itself is never stored: the caller passes a keyed hash
 * of it (`lookupHash`), enough to tell "the same query again" and to check a suspected query, not to
 * read one back. A Redis stream, newest 10 000 entries, trimmed to 30 days on every write.
 */
export interface AuditLog {
  /** Appends one entry. */
  record(entry: AuditEntry): Promise<void>;
  /** Entries at or after `sinceMs` (epoch ms), newest first, at most `limit`. */
  list(sinceMs: number, limit: number): Promise<AuditEntry[]>;
}

/** One support lookup. */
export interface AuditEntry {
  /** Epoch ms. */
  readonly at: number;
  /** The API client (support key) that looked. */
  readonly actor: string;
  /** What was searched by: `to`, `accountRef` or `id`. */
  readonly queryKind: string;
  /** Keyed hash of the query; never the query. */
  readonly queryHash: string;
  /** How many verifications were found. */
  readonly results: number;
}

/** Options of `createAuditLog`. */
export interface AuditLogOptions {
  /** A connection the caller owns (and closes). */
  readonly redis: RedisConnection;
  /** Key prefix; default `sc`. */
  readonly prefix?: string;
}

/** Key of the log: `${prefix}:audit:support`, a stream with one `entry` field of JSON. */
export function auditLogKey(prefix: string): string {
  return `${prefix}:audit:support`;
}

const RETENTION_MS = 30 * 86_400_000;
const MAX_ENTRIES = 10_000;

/** Builds the audit log over `options.redis`. `record` throws `invalid_argument` on bad input. */
export function createAuditLog(options: AuditLogOptions): AuditLog {
  const { redis, prefix = DEFAULT_PREFIX } = options;
  const key = auditLogKey(prefix);

  return {
    async record(entry) {
      const value: AuditEntry = {
        at: timestamp(entry.at),
        actor: nonEmpty('actor', entry.actor),
        queryKind: nonEmpty('queryKind', entry.queryKind),
        queryHash: nonEmpty('queryHash', entry.queryHash),
        results: nonNegativeInteger('results', entry.results),
      };
      await redis
        .multi()
        .xadd(key, 'MAXLEN', '~', MAX_ENTRIES, '*', 'entry', JSON.stringify(value))
        .xtrim(key, 'MINID', '~', Math.max(0, value.at - RETENTION_MS))
        .pexpire(key, RETENTION_MS)
        .exec();
    },

    async list(sinceMs, limit) {
      const since = nonNegativeInteger('sinceMs', sinceMs);
      const count = positiveInteger('limit', limit);
      const entries: AuditEntry[] = [];
      let end = '+';
      // Stream ids are the server's clock and `at` the caller's: filter on `at`, page until past it.
      for (;;) {
        const page = await redis.xrevrange(key, end, '-', 'COUNT', 200);
        for (const [, fields] of page) {
          const entry = decode(fields[1]);
          if (entry.at >= since) entries.push(entry);
          if (entries.length >= count) return entries;
        }
        const last = page.at(-1);
        if (page.length < 200 || last === undefined || decode(last[1][1]).at < since) return entries;
        end = `(${last[0]}`;
      }
    },
  };
}

function decode(raw: string | undefined): AuditEntry {
  try {
    const value = JSON.parse(raw ?? '') as Partial<AuditEntry>;
    if (
      typeof value.at === 'number' &&
      typeof value.actor === 'string' &&
      typeof value.queryKind === 'string' &&
      typeof value.queryHash === 'string' &&
      typeof value.results === 'number'
    ) {
      return value as AuditEntry;
    }
  } catch {
    // Falls through to the error below.
  }
  throw new StoreError('malformed_event', 'audit log entry is not valid JSON of the expected shape');
}
