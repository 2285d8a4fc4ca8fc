import { createHash } from 'node:crypto';
import type { ChannelName } from '@sendcode/policy';
import { StoreError } from './errors.ts';
import type { SendRecord } from './types.ts';
import { isChannel, isInteger, isPlainObject, isProvider, isSendStatus } from './values.ts';

/**
 * How a send is stored: one field of the verification's sends hash, named by the send number, holding
 * the `SendRecord` as JSON. Scripts create and update them with cjson; this side builds the first one
 * and reads them back strictly. The hash also holds the sealed plan under `PLAN_FIELD` while the
 * verification is pending, and one `n:<hash>` field per signed receipt webhook claimed
 * (`claimReceipt`).
 */

/** Field of the sends hash holding the sealed plan. */
export const PLAN_FIELD = 'plan';

const CLAIM_PREFIX = 'n:';

/** Field of a claimed webhook request: `n:` and 128 bits of SHA-256 of scope and nonce (hex). */
export function claimField(scope: string, nonce: string): string {
  if (scope === '' || nonce === '')
    throw new StoreError('invalid_argument', 'scope and nonce must be non-empty');
  return CLAIM_PREFIX + createHash('sha256').update(`${scope}\n${nonce}`).digest('hex').slice(0, 32);
}

/** JSON of a send that has just been queued. */
export function encodeQueuedSend(send: number, step: number, channel: ChannelName, nowMs: number): string {
  return JSON.stringify({ send, step, channel, status: 'queued', queuedAt: nowMs });
}

function malformed(send: number, problem: string): StoreError {
  return new StoreError('malformed_send', `send ${send}: ${problem}`);
}

function optionalInteger(value: unknown, name: string, send: number): number | undefined {
  if (value === undefined || isInteger(value)) return value;
  throw malformed(send, `"${name}" is not an integer`);
}

/**
 * Parses the JSON stored under field `send` strictly: a missing or mistyped property, or a send number
 * that is not the field's, throws `malformed_send` naming the property. Unknown properties are dropped.
 */
export function decodeSend(send: number, raw: string): SendRecord {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (cause) {
    throw new StoreError('malformed_send', `send ${send}: not JSON`, { cause });
  }
  if (!isPlainObject(value)) throw malformed(send, 'is not an object');
  if (value.send !== send) throw malformed(send, '"send" is not the field it is stored under');
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

/**
 * Every send of an `HGETALL` reply, ordered by send number; the plan and the webhook claims are
 * skipped, any other field that is not a number is malformed.
 */
export function decodeSends(hash: Readonly<Record<string, string>>): SendRecord[] {
  return Object.entries(hash)
    .filter(([field]) => field !== PLAN_FIELD && !field.startsWith(CLAIM_PREFIX))
    .map(([field, raw]) => {
      const send = /^[1-9]\d{0,8}$/.test(field) ? Number(field) : Number.NaN;
      if (Number.isNaN(send)) throw new StoreError('malformed_send', 'a sends field is not a send number');
      return decodeSend(send, raw);
    })
    .sort((a, b) => a.send - b.send);
}
