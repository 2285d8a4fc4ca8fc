import { StoreError } from '../core/errors.ts';
import type { TimelineEvent } from '../core/types.ts';
import {
  fromRow,
  isChannel,
  isDetailValue,
  isEventType,
  isPlainObject,
  isProvider,
  parseStored,
} from '../core/values.ts';

/**
 * Timeline events as stored: one string per timeline, the JSON array of each event's fields in
 * `EVENT_FIELDS` order (null where unset, trailing nulls left out; after the first, `at` and a
 * repeated `to` refer back: `resolveRows`), joined by commas, written only by the scripts
 * (`lua-includes/pushEvent.lua`). Timelines written before are lists, one event an entry: an array
 * led by `at` (`EARLIER_FIELDS`, which put `provider` before `to`: a null on every 'created' event)
 * or a JSON object; they are read as well (`decodeTimeline`). Callers' events go to the scripts as
 * JSON objects encoded here, picking the known fields only so nothing else (a code, a clear
 * destination) rides along on an object with extra properties.
 */

const EVENT_FIELDS = ['type', 'at', 'step', 'channel', 'to', 'provider', 'detail'] as const;
const EARLIER_FIELDS = ['at', 'type', 'step', 'channel', 'provider', 'to', 'detail'] as const;

type Detail = NonNullable<TimelineEvent['detail']>;

/** JSON of a caller's event, as the scripts take it. Throws `invalid_argument` on a value that would not read back. */
export function encodeEvent(event: TimelineEvent): string {
  if (!Number.isSafeInteger(event.at))
    throw new StoreError('invalid_argument', 'event.at must be an integer');
  if (event.step !== undefined && !Number.isSafeInteger(event.step)) {
    throw new StoreError('invalid_argument', 'event.step must be an integer');
  }
  if (event.detail !== undefined && !Object.values(event.detail).every(isDetailValue)) {
    throw new StoreError(
      'invalid_argument',
      'event.detail values must be strings, finite numbers or booleans',
    );
  }
  const { at, type, step, channel, provider, to, detail } = event;
  return JSON.stringify({ at, type, step, channel, provider, to, detail });
}

function malformed(problem: string): StoreError {
  return new StoreError('malformed_event', `timeline event ${problem}`);
}

function decodeDetail(value: unknown): Detail {
  if (!isPlainObject(value)) throw malformed('detail is not an object');
  const detail: Record<string, string | number | boolean> = {};
  for (const [name, item] of Object.entries(value)) {
    if (!isDetailValue(item)) throw malformed(`detail "${name}" is not a string, number or boolean`);
    detail[name] = item;
  }
  return detail;
}

/**
 * A timeline, strictly: the entries of the list it was before (`LRANGE` reply), then the
 * rows of the string it is now (`GET` reply, rows joined by commas; null when there is none).
 * Throws `malformed_event`.
 */
export function decodeTimeline(listed: readonly string[], joined: string | null): TimelineEvent[] {
  const rows = joined === null ? [] : parseStored(`[${joined}]`, 'malformed_event', 'timeline');
  if (!Array.isArray(rows)) throw malformed('is not a list of rows');
  const earlier = listed.map((raw) => parseStored(raw, 'malformed_event', 'timeline event'));
  return [...earlier, ...resolveRows(rows)].map(decodeEvent);
}

/**
 * The rows of a timeline string with what they refer to put back (`lua-includes/pushEvent.lua`):
 * after the first, `at` counts from the first row's, and a `to` of true is the destination the latest
 * earlier row of the same step names.
 */
function resolveRows(rows: readonly unknown[]): unknown[][] {
  const [first] = rows;
  const start = Array.isArray(first) ? first[1] : undefined;
  const latestTo = new Map<unknown, string>();
  return rows.map((row, i) => {
    if (!Array.isArray(row) || typeof row[0] !== 'string') throw malformed('is not a row led by its type');
    const resolved = [...row];
    if (i > 0) {
      if (typeof start !== 'number' || typeof row[1] !== 'number') throw malformed('"at" is not an integer');
      resolved[1] = start + row[1];
    }
    if (row[4] === true) {
      const to = latestTo.get(row[2]);
      if (to === undefined) throw malformed('"to" refers to no earlier destination of its step');
      resolved[4] = to;
    }
    if (typeof resolved[4] === 'string') latestTo.set(row[2], resolved[4]);
    return resolved;
  });
}

/** Reads one stored event (parsed JSON) strictly; throws `malformed_event`. Unknown fields are dropped. */
function decodeEvent(stored: unknown): TimelineEvent {
  const value = !Array.isArray(stored)
    ? stored
    : fromRow(typeof stored[0] === 'string' ? EVENT_FIELDS : EARLIER_FIELDS, stored);
  if (!isPlainObject(value)) throw malformed('is not an array or an object');
  const { at, type, step, channel, provider, to, detail } = value;
  if (typeof at !== 'number' || !Number.isSafeInteger(at)) throw malformed('"at" is not an integer');
  if (!isEventType(type)) throw malformed('"type" is not a known event type');
  if (step !== undefined && (typeof step !== 'number' || !Number.isSafeInteger(step))) {
    throw malformed('"step" is not an integer');
  }
  if (channel !== undefined && !isChannel(channel)) throw malformed('"channel" is not a known channel');
  if (provider !== undefined && !isProvider(provider)) throw malformed('"provider" is not a known provider');
  if (to !== undefined && typeof to !== 'string') throw malformed('"to" is not a string');
  return {
    at,
    type,
    ...(step === undefined ? {} : { step }),
    ...(channel === undefined ? {} : { channel }),
    ...(provider === undefined ? {} : { provider }),
    ...(to === undefined ? {} : { to }),
    ...(detail === undefined ? {} : { detail: decodeDetail(detail) }),
  };
}
