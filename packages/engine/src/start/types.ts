import type {
  BlockReason,
  ChannelName,
  KeyRing,
  LimitScope,
  PhoneDestination,
  PlanStep,
  Warning,
} from '@sendcode/policy';
import type { Admission, PrefixGuard, SpendLedger, SupportIndex, VerificationRecord } from '@sendcode/store';
import type { EngineDeps } from '../deps.ts';

/** A start as the caller asked for it (the native body; `/v2` translates onto it). */
export interface StartRequest {
  readonly to: string;
  readonly channel?: ChannelName | undefined;
  readonly fallbacks?:
    | readonly { readonly to: string; readonly channel?: ChannelName | undefined }[]
    | undefined;
  readonly locale?: string | undefined;
  readonly brand?: string | undefined;
  readonly purpose?: string | undefined;
  readonly codeLength?: number | undefined;
  readonly ttlSeconds?: number | undefined;
  readonly accountRef?: string | undefined;
  readonly endUserIp?: string | undefined;
}

/** The defaults of a start that the caller may override, from the gateway's environment. */
export interface StartDefaults {
  readonly codeLength: number;
  readonly ttlSeconds: number;
  readonly maxAttempts: number;
  readonly brand: string;
}

/** What starting a verification needs on top of the engine: keys, admission and the fraud guards. */
export interface StartDeps extends EngineDeps {
  readonly ring: KeyRing;
  readonly admission: Admission;
  readonly prefixGuard: PrefixGuard;
  readonly supportIndex: SupportIndex;
  readonly spend: SpendLedger;
  readonly defaults: StartDefaults;
}

/** The plan phase's product: where the code goes, masked copies, and the keys it is counted under. */
export interface PlannedStart {
  readonly id: string;
  readonly client: string;
  readonly purpose: string;
  readonly plan: readonly PlanStep[];
  readonly planMasked: readonly PlanStep[];
  readonly warnings: readonly Warning[];
  /** Keyed hash of the first destination in its canonical form: limits, pending and support index. */
  readonly lookup: string;
  /** Phone steps (SMS or call) with their parsed destination, for the fraud guard. */
  readonly phones: readonly { readonly step: PlanStep; readonly phone: PhoneDestination }[];
  /** Distinct number prefixes of those phones (the conversion guard's unit). */
  readonly prefixes: readonly string[];
  readonly ttlSeconds: number;
  readonly nowMs: number;
}

/**
 * Why a start did not go ahead. `invalid_destination`, `channel_mismatch` and `too_many_steps` are the
 * caller's mistakes (nothing is stored); `blocked` and `rate_limited` are refusals, kept for support
 * under `id` — the same id for every refusal of the destination for that reason and rule within the
 * hour; none when the client's quota of kept refusals for the hour is used up; `resend_too_soon`, `max_sends_reached` come from resuming a pending verification;
 * `being_created`: another start for the same destination is creating it right now, retry in a moment;
 * `unavailable`: the delivery could not be queued and nothing was kept — or, with durable accept, it
 * was, but its writes did not reach a replica in time: then it stays, and a retry resumes it.
 */
export type StartRefusal =
  | {
      readonly reason: 'invalid_destination';
      readonly field: string;
      readonly detail: 'invalid_email' | 'invalid_phone';
    }
  | { readonly reason: 'channel_mismatch'; readonly field: string }
  | { readonly reason: 'too_many_steps' }
  | { readonly reason: 'blocked'; readonly block: BlockReason; readonly id?: string }
  | {
      readonly reason: 'rate_limited';
      readonly scope: LimitScope;
      readonly retryAfterMs: number;
      readonly id?: string;
    }
  | { readonly reason: 'resend_too_soon'; readonly retryAfterMs: number }
  | { readonly reason: 'max_sends_reached'; readonly retryAfterMs: number }
  | { readonly reason: 'being_created'; readonly retryAfterMs: number }
  | { readonly reason: 'unavailable'; readonly cause: unknown };

/** What `startVerification` did: created a verification, resumed (resent) a pending one, or refused. */
export type StartResult =
  | {
      readonly ok: true;
      readonly created: boolean;
      readonly record: VerificationRecord;
      readonly warnings: readonly Warning[];
    }
  | ({ readonly ok: false } & StartRefusal);
