import { hashTag, nonNegativeInteger } from '../core/args.ts';
import type { RedisConnection } from '../core/connection.ts';
import { malformed, StoreError } from '../core/errors.ts';
import { DEFAULT_PREFIX } from '../core/keys.ts';
import { loadScripts, scriptRunner } from '../core/scripts.ts';
import { parseInteger } from '../core/values.ts';

const SCRIPTS = loadScripts(import.meta.url, ['spendCharge', 'spendRefund']);

/**
 * Daily spend of each API client on paid channels (SMS and voice), in integer micro-USD per UTC day,
 * against an optional cap: the brake on SMS pumping through a leaked key. A charge is checked and
 * counted in one Lua script (`spendCharge.lua`), so concurrent sends never overshoot the cap.
 */
export interface SpendLedger {
  /**
   * Charges `amountMicros` to `client`'s spend on `day` (yyyymmdd, UTC), unless that would take it over
   * `capMicros` (undefined: no cap): then nothing changes and `ok` is false. `spentMicros` is the
   * day's spend after the call.
   */
  charge(
    client: string,
    day: string,
    amountMicros: number,
    capMicros: number | undefined,
  ): Promise<{ ok: boolean; spentMicros: number }>;
  /** The day's spend so far; 0 when nothing was charged. */
  spent(client: string, day: string): Promise<number>;
  /** Gives a charge back (the send never went out); never below 0. */
  refund(client: string, day: string, amountMicros: number): Promise<void>;
}

/** Options of `createSpendLedger`. */
export interface SpendLedgerOptions {
  /** A connection the caller owns (and closes). */
  readonly redis: RedisConnection;
  /** Key prefix; default `sc`. */
  readonly prefix?: string;
}

/** The UTC day of an epoch-ms time as the ledger names it: yyyymmdd. */
export function spendDay(nowMs: number): string {
  return new Date(nowMs).toISOString().slice(0, 10).replaceAll('-', '');
}

/** Key of a client's spend on a day: `${prefix}:spend:{${client}}:${yyyymmdd}`, an integer string. */
export function spendKey(prefix: string, client: string, day: string): string {
  if (!/^\d{8}$/.test(day)) throw new StoreError('invalid_argument', 'day must be yyyymmdd');
  return `${prefix}:spend:{${hashTag('client', client)}}:${day}`;
}

// The day, and a day of late refunds and of reading it back.
const TTL_SECONDS = 2 * 86_400;

/** Builds the ledger over `options.redis`. Every method throws `invalid_argument` on bad input. */
export function createSpendLedger(options: SpendLedgerOptions): SpendLedger {
  const { redis, prefix = DEFAULT_PREFIX } = options;
  const run = scriptRunner(redis, SCRIPTS);

  return {
    async charge(client, day, amountMicros, capMicros) {
      const cap = capMicros === undefined ? '' : nonNegativeInteger('capMicros', capMicros);
      const args = [nonNegativeInteger('amountMicros', amountMicros), cap, TTL_SECONDS];
      const reply = await run('spendCharge', [spendKey(prefix, client, day)], args);
      if (!Array.isArray(reply) || reply.length !== 2) throw malformed('spendCharge');
      const [charged, spentMicros]: unknown[] = reply;
      if ((charged !== 0 && charged !== 1) || typeof spentMicros !== 'number') throw malformed('spendCharge');
      return { ok: charged === 1, spentMicros };
    },

    async spent(client, day) {
      const raw = await redis.get(spendKey(prefix, client, day));
      if (raw === null) return 0;
      const value = parseInteger(raw);
      if (value === null) throw new StoreError('malformed_counter', 'spend counter is not an integer');
      return value;
    },

    async refund(client, day, amountMicros) {
      const args = [nonNegativeInteger('amountMicros', amountMicros)];
      await run('spendRefund', [spendKey(prefix, client, day)], args);
    },
  };
}
