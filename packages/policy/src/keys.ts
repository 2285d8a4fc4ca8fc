/**
 * The key ring: the current server secret and the previous ones, so secrets can be rotated without
 * losing the data at rest written under the old ones.
 *
 * Rotation: set `SENDCODE_SECRET` to the new secret and `SENDCODE_PREVIOUS_SECRETS` to the old ones
 * (comma-separated, newest first) on every gateway and worker. From then on everything is sealed
 * and hashed with the new secret; values sealed before carry the key id of theirs (`sealWith`,
 * `openWith`); support searches look up each key's
 * hash (`lookupHashes`) and a code is checked with the key its verification names (`byId`). Remove an old secret
 * once every record written under it has expired: 24 h after the last verification it sealed reached
 * its final state (final-state retention), 7 days for the masked timelines and their lookup index.
 */
import { createHash } from 'node:crypto';
import { type DerivedKeys, deriveKeys } from './code.ts';
import { hexLookupHash, lookupHash, openParts, sealParts, VERSION } from './seal.ts';

/** One secret's keys and its id, which names the key in sealed values without revealing it. */
export type RingKey = DerivedKeys & { readonly id: string };

/** The current key and the previous ones. */
export interface KeyRing {
  /** Seals and hashes everything new. */
  readonly current: RingKey;
  /** Still opened and searched, never used to write. Newest first. */
  readonly previous: readonly RingKey[];
  /** The key with this id, if it is on the ring. */
  byId(id: string): RingKey | undefined;
}

/** A hash of the derived seal key: 8 hex characters, enough to tell a handful of secrets apart. */
function keyId(keys: DerivedKeys): string {
  return createHash('sha256').update('sendcode/key-id/v1').update(keys.seal).digest('hex').slice(0, 8);
}

/**
 * Builds the ring from the current secret and the previous ones (newest first). Empty strings in
 * `previous` are skipped (what splitting an empty variable gives); a secret listed twice, or equal
 * to the current one, counts once.
 * @throws RangeError when `current` is empty, or two different secrets get the same key id.
 */
export function createKeyRing(current: string, previous: readonly string[] = []): KeyRing {
  const ring = new Map<string, RingKey>();
  const secrets = new Map<string, string>();
  for (const secret of [current, ...previous.filter((s) => s !== '')]) {
    const keys = deriveKeys(secret);
    const id = keyId(keys);
    const known = secrets.get(id);
    if (known !== undefined && known !== secret) throw new RangeError('two secrets share a key id');
    secrets.set(id, secret);
    if (!ring.has(id)) ring.set(id, { ...keys, id });
  }
  const [first, ...rest] = ring.values();
  if (first === undefined) throw new RangeError('server secret must not be empty');
  return { current: first, previous: rest, byId: (id) => ring.get(id) };
}

/**
 * What a sealed value belongs to: a field of one verification. It is the value's associated data,
 * so a sealed plan or code copied into another record, or into another field, does not open there.
 */
export interface SealBinding {
  readonly verificationId: string;
  readonly field: 'plan' | 'code';
}

const aadOf = (binding: SealBinding) => `sendcode/${binding.field}/${binding.verificationId}`;

/**
 * Seals with the current key, bound to `binding`: `v2.<kid>.<iv>.<tag>.<ciphertext>`, so `openWith`
 * knows which key to use after a rotation.
 */
export function sealWith(ring: KeyRing, plaintext: string, binding: SealBinding): string {
  return [VERSION, ring.current.id, ...sealParts(ring.current.seal, plaintext, aadOf(binding))].join('.');
}

/**
 * Opens a value from `sealWith` with the key its id names, for the same `binding`.
 * @throws Error when the format is wrong, the key id is not on the ring, the value was altered, or it
 *   was sealed for another verification or field.
 */
export function openWith(ring: KeyRing, sealed: string, binding: SealBinding): string {
  const parts = sealed.split('.');
  const [version, kid = '', iv = '', tag = '', ciphertext = ''] = parts;
  if (version !== VERSION || parts.length !== 5)
    throw new Error(`sealed value is not in the ${VERSION} format`);
  const key = ring.byId(kid);
  if (key === undefined) throw new Error('sealed value names a key that is not on the key ring');
  return openParts(key.seal, iv, tag, ciphertext, aadOf(binding));
}

/**
 * The lookup hashes of a normalised destination under every key, current first: index new records
 * under the first, search with all so records indexed under an old key, or in the hex form of earlier
 * versions (`hexLookupHash`), are still found.
 */
export function lookupHashes(ring: KeyRing, normalisedDestination: string): string[] {
  const keys = [ring.current, ...ring.previous];
  return [
    ...keys.map((key) => lookupHash(key.lookup, normalisedDestination)),
    ...keys.map((key) => hexLookupHash(key.lookup, normalisedDestination)),
  ];
}
