import { StoreError } from './errors.ts';
import type { TimelineEvent } from './types.ts';
import { isDetailValue } from './values.ts';

/*
 * Checks of what callers pass in: anything the store would not read back throws `invalid_argument`.
 */

/** `value` when it is a safe integer above 0. */
export function positiveInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new StoreError('invalid_argument', `${name} must be a positive integer`);
  }
  return value;
}

/** `value` when it is a safe integer of 0 or more. */
export function nonNegativeInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new StoreError('invalid_argument', `${name} must be a non-negative integer`);
  }
  return value;
}

/** `nowMs` when it is a plausible epoch-ms time (a non-negative safe integer). */
export function timestamp(nowMs: number): number {
  if (!Number.isSafeInteger(nowMs) || nowMs < 0) {
    throw new StoreError('invalid_argument', 'nowMs must be epoch ms');
  }
  return nowMs;
}

/** JSON of an event detail, or '' when there is none (scripts take '' for "no detail"). */
export function detailJson(detail: TimelineEvent['detail']): string {
  if (detail === undefined) return '';
  if (!Object.values(detail).every(isDetailValue)) {
    throw new StoreError('invalid_argument', 'detail values must be strings, finite numbers or booleans');
  }
  return Object.keys(detail).length === 0 ? '' : JSON.stringify(detail);
}

/**
 * `value` when it may sit inside a Redis Cluster hash tag (`{value}`): non-empty and brace-free, so
 * the tag, and so the slot, is exactly what the caller meant.
 */
export function hashTag(name: string, value: string): string {
  if (value === '' || /[{}]/.test(value)) {
    throw new StoreError('invalid_argument', `${name} must be non-empty and contain no braces`);
  }
  return value;
}

/** `value` when it is non-empty and has no ':' (a key segment that must not swallow the next one). */
export function keySegment(name: string, value: string): string {
  if (value === '' || value.includes(':')) {
    throw new StoreError('invalid_argument', `${name} must be non-empty and contain no ':'`);
  }
  return value;
}

/** `value` when it is a non-empty string. */
export function nonEmpty(name: string, value: string): string {
  if (value === '') throw new StoreError('invalid_argument', `${name} must be non-empty`);
  return value;
}
