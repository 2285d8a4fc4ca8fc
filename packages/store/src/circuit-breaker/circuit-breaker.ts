import type { ChannelName, ProviderName } from '@sendcode/policy';

/**
 * What a breaker guards: one provider's API for one channel. Twilio Messaging and Twilio Voice (or
 * Vonage's SMS and Voice APIs, on different hosts) fail independently, so each has its own breaker.
 */
export type CircuitName = `${ProviderName}:${ChannelName}`;

import { positiveInteger, timestamp } from '../core/args.ts';
import type { RedisConnection } from '../core/connection.ts';
import { StoreError } from '../core/errors.ts';
import { groupCommit } from '../core/group-commit.ts';
import { DEFAULT_PREFIX } from '../core/keys.ts';
import { loadScripts, scriptRunner } from '../core/scripts.ts';

const SCRIPTS = loadScripts(import.meta.url, ['circuitAllow', 'circuitRecord']);

/**
 * A circuit breaker per provider API (provider and channel), its state in Redis so every gateway and worker process agrees on
 * it. Closed: calls go through, failures are counted. Open: calls are refused for a whole cooldown, so
 * the state never flaps faster than that. Then one caller at a time gets to probe (half_open, with a
 * lease in case the probe never reports): its success closes the circuit, its failure reopens it for
 * another cooldown. Moves are Lua scripts (`circuitAllow.lua`, `circuitRecord.lua`).
 */
export interface CircuitBreaker {
  /**
   * May we call this provider now? closed → yes. open, cooldown not over → no. open, cooldown over →
   * half_open, and this caller gets the single probe (a lease until now + probeTimeoutMs). half_open
   * with a live probe lease → no; lease expired → this caller becomes the probe. `retryAt` (epoch ms)
   * says when a refused caller may ask again; 0 when allowed.
   */
  allow(
    provider: CircuitName,
    nowMs: number,
  ): Promise<{ allowed: boolean; state: CircuitState; probe: boolean; retryAt: number }>;
  /**
   * The outcome of a call. success: closed stays closed (consecutive failures = 0); half_open → closed
   * (window reset). failure: counted; closed → open at `failureThreshold` consecutive failures or when
   * the window holds ≥ `minRequests` calls of which ≥ `errorRatio` failed; half_open → open again.
   * Returns the state after and whether this call changed it. Outcomes recorded while the previous
   * record of the same breaker is on its way go together in the next write, in order (a group
   * commit), each answered as if recorded alone.
   */
  record(
    provider: CircuitName,
    outcome: 'success' | 'failure',
    nowMs: number,
  ): Promise<{ state: CircuitState; changed: boolean }>;
  /**
   * Current states (for the `sendcode_provider_circuit_open` gauge); a provider with no state is closed.
   * An open circuit whose cooldown passed still reads 'open' until someone probes.
   */
  states<P extends CircuitName>(providers: readonly P[]): Promise<Record<P, CircuitState>>;
}

/** One outcome for `circuitRecord.lua`. */
interface Outcome {
  /** Epoch ms. */
  readonly at: number;
  readonly outcome: 'success' | 'failure';
}

/** States of a circuit. Stored in Redis: never rename one. */
export const CIRCUIT_STATES = ['closed', 'open', 'half_open'] as const;
export type CircuitState = (typeof CIRCUIT_STATES)[number];

/** When a circuit opens and how long it stays open. Times in ms. */
export interface CircuitBreakerConfig {
  /** Consecutive failures that open the circuit. */
  readonly failureThreshold: number;
  /** Share of failed calls in the window (0..1] that opens it, once the window holds `minRequests`. */
  readonly errorRatio: number;
  readonly minRequests: number;
  /** Length of the fixed counting window. */
  readonly windowMs: number;
  /** How long an open circuit refuses calls before a probe. */
  readonly cooldownMs: number;
  /** How long a probe may take before another caller may probe instead. */
  readonly probeTimeoutMs: number;
}

export const DEFAULT_CIRCUIT_BREAKER_CONFIG: CircuitBreakerConfig = {
  failureThreshold: 5,
  errorRatio: 0.5,
  minRequests: 20,
  windowMs: 60_000,
  cooldownMs: 30_000,
  probeTimeoutMs: 10_000,
};

/** Options of `createCircuitBreaker`. */
export interface CircuitBreakerOptions {
  /** A connection the caller owns (and closes). */
  readonly redis: RedisConnection;
  /** Key prefix; default `sc`. */
  readonly prefix?: string;
  /** Overrides of `DEFAULT_CIRCUIT_BREAKER_CONFIG`. */
  readonly config?: Partial<CircuitBreakerConfig>;
  /**
   * For how long (ms) this process may trust a 'closed' it last heard from Redis (an `allow` or a
   * `record` reply): within it `allow` answers closed without a round trip. 0 (default): always ask.
   * Any reply other than 'closed' ends the trust at once, so the cost is bounded: a circuit opened by
   * another process is seen here at the latest after this long, or after this process's next
   * failure, which `record` reports.
   */
  readonly closedHintMs?: number;
}

/** Key of a provider's breaker: `${prefix}:cb:{${provider}}`, a hash. */
export function circuitBreakerKey(prefix: string, provider: CircuitName): string {
  return `${prefix}:cb:{${provider}}`;
}

function isCircuitState(value: unknown): value is CircuitState {
  return typeof value === 'string' && (CIRCUIT_STATES as readonly string[]).includes(value);
}

function malformed(script: string): StoreError {
  return new StoreError('malformed_reply', `unexpected reply from the ${script} script`);
}

function validConfig(overrides: Partial<CircuitBreakerConfig> = {}): CircuitBreakerConfig {
  const config = { ...DEFAULT_CIRCUIT_BREAKER_CONFIG, ...overrides };
  for (const name of [
    'failureThreshold',
    'minRequests',
    'windowMs',
    'cooldownMs',
    'probeTimeoutMs',
  ] as const) {
    positiveInteger(name, config[name]);
  }
  if (!(config.errorRatio > 0 && config.errorRatio <= 1)) {
    throw new StoreError('invalid_argument', 'errorRatio must be above 0 and at most 1');
  }
  return config;
}

/** Builds the breakers over `options.redis`. Throws `invalid_argument` on a bad config. */
export function createCircuitBreaker(options: CircuitBreakerOptions): CircuitBreaker {
  const { redis, prefix = DEFAULT_PREFIX } = options;
  const config = validConfig(options.config);
  // Long enough to outlive any window and cooldown; refreshed on every write.
  const ttlMs = Math.max(config.windowMs, config.cooldownMs) * 10;
  const run = scriptRunner(redis, SCRIPTS);
  const key = (provider: CircuitName) => [circuitBreakerKey(prefix, provider)];
  const hintMs = options.closedHintMs ?? 0;
  if (!(Number.isSafeInteger(hintMs) && hintMs >= 0)) {
    throw new StoreError('invalid_argument', 'closedHintMs must be a non-negative integer');
  }
  /** Per breaker: until when (epoch ms) a 'closed' heard from Redis is trusted. */
  const closedUntil = new Map<CircuitName, number>();
  const heard = (provider: CircuitName, state: CircuitState, nowMs: number) => {
    if (state === 'closed' && hintMs > 0) closedUntil.set(provider, nowMs + hintMs);
    else closedUntil.delete(provider);
  };

  const recorded = groupCommit(async (provider: CircuitName, outcomes: readonly Outcome[]) => {
    const { failureThreshold, errorRatio, minRequests, windowMs } = config;
    const args: (number | string)[] = [failureThreshold, errorRatio, minRequests, windowMs, ttlMs];
    for (const { at, outcome } of outcomes) args.push(at, outcome);
    const reply = await run('circuitRecord', key(provider), args);
    if (!Array.isArray(reply) || reply.length !== outcomes.length * 2) throw malformed('circuitRecord');
    return outcomes.map((_, i) => {
      const [state, changed]: unknown[] = reply.slice(2 * i, 2 * i + 2);
      if (!isCircuitState(state) || (changed !== 0 && changed !== 1)) throw malformed('circuitRecord');
      return { state, changed: changed === 1 };
    });
  });

  return {
    async allow(provider, nowMs) {
      if (nowMs < (closedUntil.get(provider) ?? 0)) {
        return { allowed: true, state: 'closed', probe: false, retryAt: 0 };
      }
      const args = [timestamp(nowMs), config.cooldownMs, config.probeTimeoutMs, ttlMs];
      const reply = await run('circuitAllow', key(provider), args);
      if (!Array.isArray(reply) || reply.length !== 4) throw malformed('circuitAllow');
      const [allowed, state, probe, retryAt]: unknown[] = reply;
      if ((allowed !== 0 && allowed !== 1) || !isCircuitState(state) || (probe !== 0 && probe !== 1)) {
        throw malformed('circuitAllow');
      }
      heard(provider, state, nowMs);
      return {
        allowed: allowed === 1,
        state,
        probe: probe === 1,
        retryAt: typeof retryAt === 'number' ? retryAt : 0,
      };
    },

    async record(provider, outcome, nowMs) {
      const result = await recorded(provider, { at: timestamp(nowMs), outcome });
      heard(provider, result.state, nowMs);
      return result;
    },

    async states<P extends CircuitName>(providers: readonly P[]) {
      const values = await Promise.all(
        providers.map((provider) => redis.hget(circuitBreakerKey(prefix, provider), 'state')),
      );
      const entries = providers.map((provider, index): [P, CircuitState] => {
        const state = values[index] ?? 'closed';
        if (!isCircuitState(state)) {
          throw new StoreError('malformed_circuit', `circuit breaker of ${provider} holds an unknown state`);
        }
        return [provider, state];
      });
      // fromEntries types its keys as string; every P asked for is among them.
      return Object.fromEntries(entries) as Record<P, CircuitState>;
    },
  };
}
