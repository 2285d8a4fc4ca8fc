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
  /** The timeline: its events' JSON rows joined by commas, oldest first (`lua-includes/pushEvent.lua`). */
  readonly timeline: string;
  /**
   * The list of events a timeline was before it became one string, oldest first: read (before the
   * string's events) and deleted, never written.
   */
  readonly timelineList: string;
  /** The sends document (JSON string, `sends-doc.ts`): sends, sealed plan, receipt claims. Same TTL as the record. */
  readonly sends: string;
}

/**
 * Keys of one verification: `${prefix}:v:{${id}}` (record), `${prefix}:tl:{${id}}` (timeline; `:t:`
 * held it as a list) and `${prefix}:sd:{${id}}` (sends document; `:s:` held an older layout, a hash,
 * which is not read).
 * Throws on an id that would break the hash tag (empty, or containing a brace).
 */
export function verificationKeys(prefix: string, id: string): VerificationKeys {
  if (id === '' || /[{}]/.test(id)) {
    throw new StoreError('invalid_argument', 'verification id must be non-empty and contain no braces');
  }
  return {
    record: `${prefix}:v:{${id}}`,
    timeline: `${prefix}:tl:{${id}}`,
    timelineList: `${prefix}:t:{${id}}`,
    sends: `${prefix}:sd:{${id}}`,
  };
}
