import { verificationId } from '@sendcode/contract';
import {
  canonicalDestination,
  lookupHash,
  lookupHashes,
  parseDestination,
  type Warning,
} from '@sendcode/policy';
import type { IndexKind } from '@sendcode/store';
import { z } from 'zod';
import type { GatewayDeps } from '../deps.ts';
import { ApiError } from '../errors.ts';

/** How far back support can look: the timelines' and the index's retention. */
export const SUPPORT_WINDOW_MS = 7 * 86_400_000;
/** At most this many verifications per search. */
export const SUPPORT_MAX_RESULTS = 50;

/** `?to=` (phone or email), `?accountRef=` or `?id=`: exactly one. */
export const supportQuery = z
  .strictObject({
    to: z.string().trim().min(3).max(320).optional(),
    accountRef: z.string().min(1).max(128).optional(),
    id: z.string().min(1).max(64).optional(),
  })
  .refine((q) => [q.to, q.accountRef, q.id].filter((v) => v !== undefined).length === 1, {
    message: 'give exactly one of to, accountRef or id',
  });
export type SupportQuery = z.infer<typeof supportQuery>;

/** What a search found, and what the audit log keeps of it. */
export interface SearchResult {
  readonly ids: readonly string[];
  readonly kind: 'to' | 'accountRef' | 'id';
  /** The query as searched (a normalised destination), only ever hashed. */
  readonly normalised: string;
  readonly knownWarnings: readonly Warning[];
}

/** What a search reads. */
export type SearchDeps = Pick<GatewayDeps, 'now' | 'store' | 'ring' | 'supportIndex'>;

/** Finds verification ids of the last 7 days through the keyed-hash index (every key on the ring). */
export async function searchVerifications(deps: SearchDeps, query: SupportQuery): Promise<SearchResult> {
  const since = deps.now() - SUPPORT_WINDOW_MS;
  if (query.id !== undefined) {
    const valid = verificationId.safeParse(query.id);
    const record = valid.success ? await deps.store.get(valid.data, deps.now()) : null;
    const ids = record && record.createdAt >= since ? [record.id] : [];
    return { ids, kind: 'id', normalised: query.id, knownWarnings: [] };
  }
  if (query.accountRef !== undefined) {
    const ids = await find(deps, 'account', lookupHashes(deps.ring, `account:${query.accountRef}`), since);
    return { ids, kind: 'accountRef', normalised: query.accountRef, knownWarnings: [] };
  }
  const parsed = parseDestination(query.to ?? '');
  if (!parsed.ok) {
    throw new ApiError('invalid_destination', 'Not a valid phone number (E.164) or email address.', {
      field: 'to',
      reason: parsed.reason,
    });
  }
  const { destination } = parsed;
  const canonical = canonicalDestination(destination.address);
  const ids = await find(deps, 'destination', lookupHashes(deps.ring, canonical), since);
  const landline = destination.kind === 'phone' && destination.type === 'fixed_line';
  return {
    ids,
    kind: 'to',
    // As the index keys it: two spellings of one address are one search in the audit log too.
    normalised: canonical,
    knownWarnings: landline ? ['fixed_line_voice'] : [],
  };
}

function find(deps: SearchDeps, kind: IndexKind, hashes: readonly string[], since: number) {
  return deps.supportIndex.find(
    hashes.map((hash) => ({ kind, hash })),
    since,
    SUPPORT_MAX_RESULTS,
  );
}

/** The audit log's keyed hash of a query: comparable, never readable back. */
export function auditHash(deps: Pick<GatewayDeps, 'ring'>, result: SearchResult): string {
  return lookupHash(deps.ring.current.lookup, `audit:${result.kind}:${result.normalised}`);
}
