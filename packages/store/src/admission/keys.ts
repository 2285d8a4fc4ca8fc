import { hashTag, keySegment, nonEmpty, positiveInteger } from '../core/args.ts';
import type { LimitRule } from './admission.ts';

/** The admission's Redis keys: every one carries the client as hash tag, so one script sees them all. */

/**
 * Sliding-window counter of one rule: `${prefix}:rc:{${client}}:${scope}:${windowMs}:${key}`, a string
 * "bucket:current:previous". (The limits were logs before, ZSETs under `:rl:`: a new name, so an old log
 * is never read as a counter; the logs expire by their TTL, at most one window after the upgrade.)
 */
export function rateLimitKey(prefix: string, client: string, rule: LimitRule): string {
  const scope = keySegment('rule.scope', rule.scope);
  const windowMs = positiveInteger('rule.windowMs', rule.windowMs);
  return `${prefix}:rc:{${hashTag('client', client)}}:${scope}:${windowMs}:${nonEmpty('rule.key', rule.key)}`;
}

/** Mark of one charged send: `${prefix}:charged:{${client}}:${token}`, a string kept for the charge's TTL. */
export function chargeMarkKey(prefix: string, client: string, token: string): string {
  return `${prefix}:charged:{${hashTag('client', client)}}:${nonEmpty('token', token)}`;
}

/** Pending index entry: `${prefix}:pending:{${client}}:${lookupHash}:${purpose}`, a string (verification id). */
export function pendingKey(prefix: string, client: string, lookupHash: string, purpose: string): string {
  const hash = keySegment('lookupHash', lookupHash);
  return `${prefix}:pending:{${hashTag('client', client)}}:${hash}:${nonEmpty('purpose', purpose)}`;
}
