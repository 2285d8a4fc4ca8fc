/**
 * What a refused start or send names: the limit that was full (`LimitScope`, answered 429
 * `rate_limited`) or the fraud guard that blocked it (`BlockReason`, answered 403
 * `destination_blocked`). Both are metric label values and stored in refusals: never rename one.
 */
export const LIMIT_SCOPES = [
  'destination',
  'destination_day',
  'account',
  'ip',
  'client',
  'prefix',
  'spend',
  'resend',
  'sends',
] as const;
export type LimitScope = (typeof LIMIT_SCOPES)[number];

/** Why a start was refused with 403 `destination_blocked`. */
export const BLOCK_REASONS = ['country', 'prefix_suspended'] as const;
export type BlockReason = (typeof BLOCK_REASONS)[number];
