import type { PlanStep } from '@sendcode/policy';
import { StoreError } from '../core/errors.ts';
import { sealedOf, storedSeal } from '../core/sealed.ts';
import type { NewVerification, VerificationRecord } from '../core/types.ts';
import { isChannel, isPlainObject, isStatus, parseInteger, parseStored } from '../core/values.ts';

/**
 * How a verification record is laid out in its Redis hash: one field per property, same names,
 * numbers in decimal, `planMasked` as JSON, optional properties absent when undefined. The id is not
 * a field: it is in the key (records written before that hold it too; it is ignored). Every value
 * stays within Redis's compact (listpack) hash encoding, 64 bytes by default: a record costs about
 * 0.6 KB instead of 1.8 KB in a hashtable. That is why the sealed plan lives in the sends document.
 *
 * What a new record can derive is not written: `updatedAt` and `lastSendAt` while they
 * are its `createdAt` and `step` while it is 0 (the scripts write them when they change),
 * `ttlSeconds` while it is `expiresAt − createdAt`; and the sealed code goes without its key id
 * head (`core/sealed.ts`).
 * Absent, they read as derived, so records written before, which hold them all, read the same. With
 * the plan's shorter steps, that took the bench's record from Redis's 640-byte size class to the
 * 448 one.
 */

const INTEGER_FIELDS = ['codeLength', 'ttlSeconds', 'createdAt', 'expiresAt', 'maxAttempts'] as const;

/**
 * Field/value pairs of a new record, in `HSET` order, and its first plan step. Throws
 * `invalid_argument` on input that would not read back.
 */
export function encodeNewVerification(
  v: NewVerification,
  nowMs: number,
): { readonly first: PlanStep; readonly fields: string[] } {
  const first = v.planMasked[0];
  if (first === undefined) throw new StoreError('invalid_argument', 'planMasked must have at least one step');
  if (v.channel !== first.channel)
    throw new StoreError('invalid_argument', 'channel must be the channel of step 0');
  for (const name of INTEGER_FIELDS) {
    if (!Number.isSafeInteger(v[name]))
      throw new StoreError('invalid_argument', `${name} must be an integer`);
  }
  const fields: Record<string, string | number | undefined> = {
    client: v.client,
    status: 'pending',
    planMasked: encodePlan(v.planMasked),
    sealedCode: v.sealedCode === undefined ? undefined : storedSeal(v.sealedCode, v.keyId),
    codeHash: v.codeHash,
    codeLength: v.codeLength,
    locale: v.locale,
    brand: v.brand,
    purpose: v.purpose,
    accountRef: v.accountRef,
    ttlSeconds: v.expiresAt - v.createdAt === v.ttlSeconds * 1000 ? undefined : v.ttlSeconds,
    createdAt: v.createdAt,
    expiresAt: v.expiresAt,
    updatedAt: nowMs === v.createdAt ? undefined : nowMs,
    lastSendAt: nowMs === v.createdAt ? undefined : nowMs,
    attempts: 0,
    maxAttempts: v.maxAttempts,
    sends: 1,
    channel: first.channel,
    keyId: v.keyId,
    numberPrefix: v.numberPrefix,
    lookupHash: v.lookupHash,
  };
  const pairs = Object.entries(fields).flatMap(([name, value]) =>
    value === undefined ? [] : [name, String(value)],
  );
  return { first, fields: pairs };
}

function malformed(field: string, problem: string): StoreError {
  return new StoreError('malformed_record', `verification record field "${field}" ${problem}`);
}

/**
 * JSON of a masked plan: each step as `[channel, to]` (`advance.lua` reads it too). Records written
 * before hold each as `{ channel, to }`, 16 bytes longer, and read the same.
 */
export function encodePlan(plan: readonly PlanStep[]): string {
  return JSON.stringify(plan.map((step) => [step.channel, step.to]));
}

function parsePlan(raw: string): PlanStep[] {
  const value = parseStored(raw, 'malformed_record', 'verification record field "planMasked"');
  if (!Array.isArray(value) || value.length === 0) throw malformed('planMasked', 'is not a non-empty array');
  return value.map((step: unknown) => {
    const [channel, to] = Array.isArray(step) ? step : isPlainObject(step) ? [step.channel, step.to] : [];
    if (!isChannel(channel) || typeof to !== 'string') {
      throw malformed('planMasked', 'holds a step that is not [channel, to]');
    }
    return { channel, to };
  });
}

/**
 * Parses the `HGETALL` reply of verification `id`'s record strictly: a missing or malformed field throws `malformed_record` naming
 * the field (never its value, which may be a hash or a sealed blob). Unknown fields are ignored.
 * `updatedAt` and `lastSendAt` may be missing (read as `createdAt`), `step` too (read as 0) and
 * `ttlSeconds` (read as `expiresAt − createdAt`); `sealedCode` may lack its key id head.
 * `keyId`, `numberPrefix`, `lookupHash` and `refusedReason` are optional; with `refusedReason`, `refusedCount` and
 * `refusedLastAt` (read as `refused`) default to one refusal at `createdAt`, as written before they existed.
 */
export function decodeRecord(id: string, hash: Readonly<Record<string, string>>): VerificationRecord {
  const string = (name: string): string => {
    const value = hash[name];
    if (value === undefined) throw malformed(name, 'is missing');
    return value;
  };
  const integer = (name: string): number => {
    const value = parseInteger(string(name));
    if (value === null) throw malformed(name, 'is not an integer');
    return value;
  };
  const optional = (name: string, fallback: number) => (hash[name] === undefined ? fallback : integer(name));
  // Written only when it is not this, so the division is exact.
  const lifetimeSeconds = () => (integer('expiresAt') - integer('createdAt')) / 1000;
  const refused = (reason: string) => {
    const firstAt = integer('createdAt');
    return {
      reason,
      count: optional('refusedCount', 1),
      firstAt,
      lastAt: optional('refusedLastAt', firstAt),
    };
  };
  const status = string('status');
  if (!isStatus(status)) throw malformed('status', 'is not a known status');
  const channel = string('channel');
  if (!isChannel(channel)) throw malformed('channel', 'is not a known channel');
  return {
    id,
    client: string('client'),
    status,
    planMasked: parsePlan(string('planMasked')),
    sealedCode: hash.sealedCode === undefined ? undefined : sealedOf(hash.sealedCode, hash.keyId),
    codeHash: string('codeHash'),
    codeLength: integer('codeLength'),
    locale: string('locale'),
    brand: string('brand'),
    purpose: string('purpose'),
    accountRef: hash.accountRef,
    ttlSeconds: hash.ttlSeconds === undefined ? lifetimeSeconds() : integer('ttlSeconds'),
    createdAt: integer('createdAt'),
    expiresAt: integer('expiresAt'),
    updatedAt: optional('updatedAt', integer('createdAt')),
    attempts: integer('attempts'),
    maxAttempts: integer('maxAttempts'),
    sends: integer('sends'),
    step: optional('step', 0),
    channel,
    lastSendAt: optional('lastSendAt', integer('createdAt')),
    ...(hash.keyId === undefined ? {} : { keyId: hash.keyId }),
    ...(hash.numberPrefix === undefined ? {} : { numberPrefix: hash.numberPrefix }),
    ...(hash.lookupHash === undefined ? {} : { lookupHash: hash.lookupHash }),
    ...(hash.refusedReason === undefined ? {} : { refused: refused(hash.refusedReason) }),
  };
}
