import { createHash } from 'node:crypto';
import { StoreError } from '../core/errors.ts';
import type { SendRecord } from '../core/types.ts';
import {
  fromRow,
  isChannel,
  isInteger,
  isPlainObject,
  isProvider,
  isSendStatus,
  parseStored,
} from '../core/values.ts';

/**
 * How the sends of a verification are stored: one JSON string under its sends key, the array of its
 * fields in `DOC_FIELDS` order, `[[send 1, send 2, ...], sealed plan?, [claim, ...]?]` (documents
 * written before are the object of the same fields, and read as well). A send is the array of its
 * fields in `SEND_FIELDS` order, null where unset, trailing nulls left out; its number is its
 * position. Scripts write it (`lua-includes/sends.lua`, the same layout); this side reads it
 * strictly. The plan is there while the verification is pending (without its key id head:
 * `core/sealed.ts`); a claim per signed receipt webhook (taken by `receipt.lua`).
 */
const DOC_FIELDS = ['sends', 'plan', 'claims'] as const;

const SEND_FIELDS = [
  'step',
  'channel',
  'status',
  'queuedAt',
  'provider',
  'providerMessageId',
  'acceptedAt',
  'receiptAt',
  'failedAt',
] as const;

/** What a sends document holds that the store hands out. */
export interface Sends {
  readonly plan: string | undefined;
  readonly sends: SendRecord[];
}

/**
 * The claim of a webhook request: 132 bits of SHA-256 of scope and nonce, 22 base64url characters
 * (10 fewer than the 32 hex of before, in a document kept as long as the sends). A request claimed
 * before the change, replayed after it, is not recognised by its claim; its receipt then finds its
 * send already settled, and changes nothing.
 */
export function claimOf(scope: string, nonce: string): string {
  if (scope === '' || nonce === '')
    throw new StoreError('invalid_argument', 'scope and nonce must be non-empty');
  return createHash('sha256').update(`${scope}\n${nonce}`).digest('base64url').slice(0, 22);
}

function malformed(send: number, problem: string): StoreError {
  return new StoreError('malformed_send', `send ${send}: ${problem}`);
}

function optionalInteger(value: unknown, name: string, send: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  if (isInteger(value)) return value;
  throw malformed(send, `"${name}" is not an integer`);
}

/**
 * Send `send` from its stored array, strictly: a missing or mistyped field throws `malformed_send`
 * naming it.
 */
export function decodeSend(send: number, row: unknown): SendRecord {
  if (!Array.isArray(row)) throw malformed(send, 'is not an array');
  const value = fromRow(SEND_FIELDS, row);
  const { step, channel, status, queuedAt, provider, providerMessageId } = value;
  if (!isInteger(step) || step < 0) throw malformed(send, '"step" is not a non-negative integer');
  if (!isChannel(channel)) throw malformed(send, '"channel" is not a known channel');
  if (!isSendStatus(status)) throw malformed(send, '"status" is not a known send status');
  if (!isInteger(queuedAt)) throw malformed(send, '"queuedAt" is not an integer');
  if (provider !== undefined && !isProvider(provider))
    throw malformed(send, '"provider" is not a known provider');
  if (providerMessageId !== undefined && typeof providerMessageId !== 'string') {
    throw malformed(send, '"providerMessageId" is not a string');
  }
  const acceptedAt = optionalInteger(value.acceptedAt, 'acceptedAt', send);
  const receiptAt = optionalInteger(value.receiptAt, 'receiptAt', send);
  const failedAt = optionalInteger(value.failedAt, 'failedAt', send);
  return {
    send,
    step,
    channel,
    status,
    queuedAt,
    ...(provider === undefined ? {} : { provider }),
    ...(providerMessageId === undefined ? {} : { providerMessageId }),
    ...(acceptedAt === undefined ? {} : { acceptedAt }),
    ...(receiptAt === undefined ? {} : { receiptAt }),
    ...(failedAt === undefined ? {} : { failedAt }),
  };
}

/** A sends document (`GET` reply; null reads as no plan and no sends), strictly. */
export function decodeSends(raw: string | null): Sends {
  if (raw === null) return { plan: undefined, sends: [] };
  const stored = parseStored(raw, 'malformed_send', 'the sends document');
  const doc = Array.isArray(stored) ? fromRow(DOC_FIELDS, stored) : stored;
  if (!isPlainObject(doc) || !Array.isArray(doc.sends))
    throw new StoreError('malformed_send', 'the sends document has no "sends" array');
  if (doc.plan !== undefined && typeof doc.plan !== 'string')
    throw new StoreError('malformed_send', 'the sends document\'s "plan" is not a string');
  return { plan: doc.plan, sends: doc.sends.map((row: unknown, i) => decodeSend(i + 1, row)) };
}
