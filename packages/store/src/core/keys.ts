import { StoreError } from './errors.ts';

/**
 * Redis key layout for verification state.
 *
 * Every key of one verification carries the id as a Redis Cluster hash tag (`{id}`), so they all hash
 * to one slot and the Lua scripts may touch them together. Values are stored in Redis: changing the
 * layout strands every verification already stored under the old one.
 */

/** Key prefix used when the caller gives none. */
export const DEFAULT_PREFIX = 'sc';

/** The keys of one verification. */
export interface VerificationKeys {
  /** Hash holding the verification record. */
  readonly record: string;
  /** List of JSON timeline events, oldest first. */
  readonly timeline: string;
  /** The sends document (JSON string, `sends-doc.ts`): sends, sealed plan, receipt claims. Same TTL as the record. */
  readonly sends: string;
}

/**
 * Keys of one verification: `${prefix}:v:{${id}}` (record), `${prefix}:t:{${id}}` (timeline) and
 * `${prefix}:sd:{${id}}` (sends document; `:s:` held an older layout, a hash, which is not read).
 * Throws on an id that would break the hash tag (empty, or containing a brace).
 */
export function verificationKeys(prefix: string, id: string): VerificationKeys {
  if (id === '' || /[{}]/.test(id)) {
    throw new StoreError('invalid_argument', 'verification id must be non-empty and contain no braces');
  }
  return { record: `${prefix}:v:{${id}}`, timeline: `${prefix}:t:{${id}}`, sends: `${prefix}:sd:{${id}}` };
}
