import type { LimitScope } from '@sendcode/policy';
import { nonEmpty, positiveInteger, timestamp } from '../core/args.ts';
import type { RedisConnection } from '../core/connection.ts';
import { malformed } from '../core/errors.ts';
import { DEFAULT_PREFIX } from '../core/keys.ts';
import { loadScripts, scriptRunner } from '../core/scripts.ts';

import { chargeMarkKey, pendingKey, rateLimitKey } from './keys.ts';

export { chargeMarkKey, pendingKey, rateLimitKey };

const SCRIPTS = loadScripts(import.meta.url, ['admit', 'admitRefund', 'chargeSend', 'pendingConfirm']);

/**
 * Admission of verification starts: per-client rate limits and the "resume instead of duplicate"
 * pending index, decided together by one Lua script (`admit.lua`), so concurrent gateways can
 * neither pass a limit nor create two verifications for one destination and purpose.
 *
 * Limits are sliding-window counters (`lua-includes/slidingCounter.lua`): one short string per rule,
 * the counts of the current and the previous fixed window, whatever the limit. Every key lives
 * in the client's Redis Cluster slot (hash tag `{client}`), so limits are per API client: the same
 * destination used by two clients counts once for each (the prefix guard is the cross-client defence).
 * The store never sees a clear destination: rules and the pending index are keyed by the caller's
 * keyed hashes (`lookupHash`), IPs or other opaque keys.
 */
export interface Admission {
  /**
   * One start of `client`. If the pending index for (lookupHash, purpose) names a verification other
   * than `pending.ignoreId`, answers `{ result: 'resume', id }` and consumes nothing. Otherwise checks
   * every rule; if one more start would take one over its limit it answers
   * `{ result: 'limited', scope, rule, retryAfterMs }` for the first such rule in the order given
   * (`retryAfterMs`: until one more start fits) and consumes nothing. Else it counts the start in
   * every rule, points the pending index at `pending.id` for `pending.ttlMs` and answers
   * `{ result: 'admitted' }`.
   */
  admit(input: AdmitInput): Promise<AdmitOutcome>;
  /**
   * Takes a start back (the create that followed it failed): while the pending index entry still
   * names `pending.id`, deletes it and takes the start out of every rule. Idempotent, and a no-op
   * for a start that was never admitted; after the entry lapsed (10 s claim) the start stays counted.
   * See `admitRefund.lua`.
   */
  refund(input: RefundInput): Promise<void>;
  /**
   * Makes the pending index entry last `ttlMs` once its verification exists, while it still names
   * `id`. `admit` claims it only for the `ttlMs` it was given: a start passes a short claim, so a
   * gateway that dies before creating the verification does not hold the destination for long.
   * Answers whether it did: false when the entry names another verification, or lapsed.
   */
  confirmPending(
    client: string,
    lookupHash: string,
    purpose: string,
    id: string,
    ttlMs: number,
  ): Promise<boolean>;
  /**
   * Counts one send against `rules` (a destination's windows), all or nothing: `charged` when every
   * rule had room or `token` was counted within `ttlMs` before (retries and repeated calls count
   * once; each charged token keeps a small mark for `ttlMs`); otherwise
   * `limited` for the first full rule, counting nothing. See `chargeSend.lua`.
   */
  chargeSend(input: ChargeInput): Promise<ChargeOutcome>;
  /**
   * The verification id the pending index names for (client, lookupHash, purpose), or null. It may
   * name one that has become final (the entry lives for the verification's lifetime unless cleared):
   * callers load the record and look at its status.
   */
  pendingId(client: string, lookupHash: string, purpose: string): Promise<string | null>;
}

/**
 * One rate limit: at most `limit` starts in any `windowMs`, counted per (scope, key) by a sliding-window
 * counter (an estimate: exact for bursts, up to 2 × limit − 1 in one window for starts timed around a
 * window boundary — see `slidingCounter.lua`). Rules of the same scope and key with different windows
 * (5 per 10 min and 10 per day) keep separate counters.
 */
export interface LimitRule {
  /** What is limited ('destination', 'account', 'ip', 'client'...); also the scope a refusal names. */
  readonly scope: LimitScope;
  /** Whose starts are counted: a lookup hash, an IP, an accountRef hash, 'all'... Never a clear destination. */
  readonly key: string;
  readonly limit: number;
  readonly windowMs: number;
}

/** Input of `Admission.admit`. */
export interface AdmitInput {
  readonly client: string;
  readonly rules: readonly LimitRule[];
  readonly pending: {
    /** Keyed hash of the destination. No ':'. */
    readonly lookupHash: string;
    readonly purpose: string;
    /** Id of the verification this start will create. */
    readonly id: string;
    /** How long the index names it: the verification's lifetime. */
    readonly ttlMs: number;
    /** A verification the caller knows is over: the index naming it does not make this start a resume. */
    readonly ignoreId?: string;
  };
  readonly nowMs: number;
}

/** Input of `Admission.chargeSend`. */
export interface ChargeInput {
  readonly client: string;
  readonly rules: readonly LimitRule[];
  /** Unique per verification and send number. */
  readonly token: string;
  /** How long a repeated call for `token` still counts as the same send: the verification's remaining life. */
  readonly ttlMs: number;
  readonly nowMs: number;
}

/** What `chargeSend` decided. */
export type ChargeOutcome = { readonly result: 'charged' } | Extract<AdmitOutcome, { result: 'limited' }>;

/** Input of `Admission.refund`: the same client, rules, pending entry and `nowMs` as the admit. */
export interface RefundInput {
  readonly client: string;
  readonly rules: readonly LimitRule[];
  readonly pending: { readonly lookupHash: string; readonly purpose: string; readonly id: string };
  /** The admit's `nowMs`: which window the start was counted in. */
  readonly admittedAtMs: number;
  readonly nowMs: number;
}

/** What `admit` decided. Only 'admitted' wrote anything. */
export type AdmitOutcome =
  | { readonly result: 'admitted' }
  /** A verification for this destination and purpose is pending: resend it rather than create one. */
  | { readonly result: 'resume'; readonly id: string }
  /** `rule` (the first full one, whose scope is `scope`) refused; retry after `retryAfterMs` (≥ 1). */
  | {
      readonly result: 'limited';
      readonly scope: LimitScope;
      readonly rule: LimitRule;
      readonly retryAfterMs: number;
    };

/** Options of `createAdmission`. */
export interface AdmissionOptions {
  /** A connection the caller owns (and closes). */
  readonly redis: RedisConnection;
  /** Key prefix; default `sc`. */
  readonly prefix?: string;
}

/**
 * Parses the admit and chargeSend scripts' replies (see `admit.lua`, `chargeSend.lua`);
 * throws `malformed_reply` on anything else.
 */
function parseAdmitReply(
  reply: unknown,
  rules: readonly LimitRule[],
  script = 'admit',
): AdmitOutcome | ChargeOutcome {
  if (!Array.isArray(reply)) throw malformed(script);
  const [result, first, second]: unknown[] = reply;
  if ((result === 'admitted' || result === 'charged') && reply.length === 1) return { result };
  if (result === 'resume' && reply.length === 2 && typeof first === 'string' && first !== '') {
    return { result, id: first };
  }
  if (result === 'limited' && reply.length === 3 && typeof first === 'number') {
    const rule = rules[first - 1];
    if (rule !== undefined && typeof second === 'number' && Number.isSafeInteger(second) && second > 0) {
      return { result, scope: rule.scope, rule, retryAfterMs: second };
    }
  }
  throw malformed(script);
}

/** Each rule's limit and window, the scripts' ARGV after their own. */
function ruleArgs(rules: readonly LimitRule[]): number[] {
  return rules.flatMap((rule) => [positiveInteger('rule.limit', rule.limit), rule.windowMs]);
}

/** Builds the admission over `options.redis`. Every method throws `invalid_argument` on bad input. */
export function createAdmission(options: AdmissionOptions): Admission {
  const { redis, prefix = DEFAULT_PREFIX } = options;
  const run = scriptRunner(redis, SCRIPTS);
  const keysOf = (client: string, rules: readonly LimitRule[], lookupHash: string, purpose: string) => [
    pendingKey(prefix, client, lookupHash, purpose),
    ...rules.map((rule) => rateLimitKey(prefix, client, rule)),
  ];

  return {
    async admit({ client, rules, pending, nowMs }) {
      const keys = keysOf(client, rules, pending.lookupHash, pending.purpose);
      const args = [
        timestamp(nowMs),
        nonEmpty('pending.id', pending.id),
        positiveInteger('pending.ttlMs', pending.ttlMs),
        pending.ignoreId ?? '',
        ...ruleArgs(rules),
      ];
      const outcome = parseAdmitReply(await run('admit', keys, args), rules);
      if (outcome.result === 'charged') throw malformed('admit');
      return outcome;
    },

    async confirmPending(client, lookupHash, purpose, id, ttlMs) {
      const confirmed = await run(
        'pendingConfirm',
        [pendingKey(prefix, client, lookupHash, purpose)],
        [nonEmpty('id', id), positiveInteger('ttlMs', ttlMs)],
      );
      return confirmed === 1;
    },

    async chargeSend({ client, rules, token, ttlMs, nowMs }) {
      if (rules.length === 0) return { result: 'charged' };
      const keys = [
        chargeMarkKey(prefix, client, token),
        ...rules.map((rule) => rateLimitKey(prefix, client, rule)),
      ];
      const args = [timestamp(nowMs), positiveInteger('ttlMs', ttlMs), ...ruleArgs(rules)];
      const outcome = parseAdmitReply(await run('chargeSend', keys, args), rules, 'chargeSend');
      if (outcome.result !== 'charged' && outcome.result !== 'limited') throw malformed('chargeSend');
      return outcome;
    },

    async refund({ client, rules, pending, admittedAtMs, nowMs }) {
      const keys = keysOf(client, rules, pending.lookupHash, pending.purpose);
      const args = [nonEmpty('pending.id', pending.id), timestamp(nowMs), timestamp(admittedAtMs)];
      await run('admitRefund', keys, [...args, ...ruleArgs(rules)]);
    },

    async pendingId(client, lookupHash, purpose) {
      const id = await redis.get(pendingKey(prefix, client, lookupHash, purpose));
      return id === '' ? null : id;
    },
  };
}
