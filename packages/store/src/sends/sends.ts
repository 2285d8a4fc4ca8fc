import type { ChannelName, ProviderName } from '@sendcode/policy';
import { detailJson, nonNegativeInteger, positiveInteger, timestamp } from '../core/args.ts';
import type { RedisConnection } from '../core/connection.ts';
import { malformed, StoreError } from '../core/errors.ts';
import type { VerificationKeys } from '../core/keys.ts';
import { loadScripts, scriptRunner } from '../core/scripts.ts';
import type {
  AdvanceOutcome,
  ReceiptOutcome,
  SendRecord,
  SendStatus,
  SentEvent,
  TimelineEvent,
} from '../core/types.ts';
import { encodeEvent } from '../verification/events.ts';
import { parseAcceptedReply, parseAdvanceReply, parseReceiptReply } from './send-replies.ts';
import { claimOf, decodeSends } from './sends-doc.ts';

const SCRIPTS = loadScripts(import.meta.url, [
  'markAccepted',
  'markSendFailed',
  'advance',
  'receipt',
  'releaseReceipt',
]);

/**
 * The sends of a verification: each send of its one code (the first, resends, failovers) with where
 * it stands — queued, accepted by a provider, delivered or undelivered by its receipt, or failed.
 * Workers, receipt webhooks and resend requests race on them; every change is one Lua script that
 * checks the state it expects, so a re-run or a loser of a race writes nothing and is told so.
 * A verification that is gone is never resurrected.
 */
export interface SendStore {
  /** The send's record, or null. */
  getSend(id: string, send: number): Promise<SendRecord | null>;
  /** Every send, in order. */
  sends(id: string): Promise<SendRecord[]>;
  /**
   * The provider accepted send `send`: queued → accepted (provider, providerMessageId, acceptedAt =
   * `event.at`) and the 'sent' event appended (its detail gains `send`). Answers 'already_accepted'
   * when the send is not queued any more (a re-run: nothing written) and 'gone' when the verification
   * or the send is. Throws `invalid_argument` when the event's step or channel is not the send's.
   */
  markAccepted(
    id: string,
    send: number,
    event: AcceptedEvent,
  ): Promise<'recorded' | 'already_accepted' | 'gone'>;
  /** Queued/accepted → failed for that send (no event: the caller appends its own). Otherwise a no-op. */
  markSendFailed(id: string, send: number, nowMs: number): Promise<void>;
  /** Starts another send of the same code at a plan step, or says why not; see `advance.lua`. */
  advance(id: string, input: AdvanceInput): Promise<AdvanceOutcome>;
  /**
   * A provider's delivery receipt for send `send`, and the claim of the signed request that carried
   * it, in one step; see `receipt.lua`. Throws `invalid_argument` on an empty claim scope or nonce.
   */
  recordReceipt(id: string, send: number, receipt: ReceiptInput): Promise<ReceiptOutcome>;
  /** Gives a claim back, so the provider's own retry of a request that failed here can succeed. */
  releaseReceipt(id: string, claim: ReceiptClaim): Promise<void>;
}

/** The 'sent' event of `markAccepted`: it names the provider, and its detail the provider's message id. */
export type AcceptedEvent = SentEvent & {
  readonly provider: ProviderName;
  readonly detail: { readonly providerMessageId: string } & Readonly<
    Record<string, string | number | boolean>
  >;
};

/** What `advance` is asked to do, and the conditions under which it may. */
export interface AdvanceInput {
  readonly kind: 'failover' | 'resend';
  /** Plan step to send to; `channel` must be its channel. */
  readonly step: number;
  readonly channel: ChannelName;
  readonly nowMs: number;
  readonly maxSends: number;
  /** The latest send the caller saw; another latest means someone else moved on ('superseded'). */
  readonly expectedSend?: number;
  /** That send (the expected one, else the latest) must have this status, else 'superseded'. */
  readonly requireSendStatus?: SendStatus;
  /** Resend cooldown: refused with the wait left when the latest send is more recent than this. */
  readonly cooldownMs?: number;
  /** Appended on success; its type must be `kind`, its step and channel (if set) those given above. */
  readonly event: TimelineEvent;
}

/** A delivery receipt. */
export interface ReceiptInput {
  readonly status: 'delivered' | 'undelivered';
  readonly nowMs: number;
  /** When given, it must be the send's recorded provider message id ('mismatch' otherwise). */
  readonly providerMessageId?: string;
  readonly detail?: Readonly<Record<string, string | number | boolean>>;
  /** Replay protection for the signed webhook request that carried the receipt: it is applied once. */
  readonly claim?: ReceiptClaim;
}

/**
 * A signed webhook request, named by its `nonce` (the signature, a JWT id...) within `scope`. Kept
 * (hashed) in the sends document: it lives as long as the sends it protects.
 */
export interface ReceiptClaim {
  readonly scope: string;
  readonly nonce: string;
}

/** What the send methods share with the rest of the store. */
export interface SendContext {
  readonly redis: RedisConnection;
  readonly keysOf: (id: string) => VerificationKeys;
  readonly timelineRetention: number;
}

function advanceEvent(a: AdvanceInput): string {
  const { event } = a;
  if (event.type !== a.kind) throw new StoreError('invalid_argument', `the event's type must be '${a.kind}'`);
  if ((event.step ?? a.step) !== a.step || (event.channel ?? a.channel) !== a.channel) {
    throw new StoreError('invalid_argument', "the event's step and channel must be those advanced to");
  }
  return encodeEvent({ ...event, step: a.step, channel: a.channel });
}

function optional(value: number | string | undefined): string {
  return value === undefined ? '' : String(value);
}

/** The `SendStore` half of the verification store. */
export function sendMethods(ctx: SendContext): SendStore {
  const { redis, keysOf, timelineRetention } = ctx;
  const run = scriptRunner(redis, SCRIPTS);
  return {
    async getSend(id, send) {
      const index = positiveInteger('send', send) - 1;
      return decodeSends(await redis.get(keysOf(id).sends)).sends[index] ?? null;
    },

    async sends(id) {
      return decodeSends(await redis.get(keysOf(id).sends)).sends;
    },

    async releaseReceipt(id, { scope, nonce }) {
      const reply = await run('releaseReceipt', [keysOf(id).sends], [claimOf(scope, nonce)]);
      if (reply !== 0 && reply !== 1) throw malformed('releaseReceipt');
    },

    async markAccepted(id, send, event) {
      const { providerMessageId } = event.detail;
      if (event.type !== 'sent' || typeof providerMessageId !== 'string' || providerMessageId === '') {
        throw new StoreError('invalid_argument', "a 'sent' event with a providerMessageId is required");
      }
      const { record, timeline, sends } = keysOf(id);
      const args = [
        positiveInteger('send', send),
        event.provider,
        providerMessageId,
        encodeEvent(event),
        timelineRetention,
      ];
      return parseAcceptedReply(await run('markAccepted', [record, timeline, sends], args));
    },

    async markSendFailed(id, send, nowMs) {
      const { record, sends } = keysOf(id);
      const reply = await run(
        'markSendFailed',
        [record, sends],
        [positiveInteger('send', send), timestamp(nowMs)],
      );
      if (reply !== 0 && reply !== 1)
        throw new StoreError('malformed_reply', 'unexpected reply from the markSendFailed script');
    },

    async advance(id, a) {
      const { record, timeline, sends } = keysOf(id);
      const args = [
        timestamp(a.nowMs),
        nonNegativeInteger('step', a.step),
        a.channel,
        nonNegativeInteger('maxSends', a.maxSends),
        optional(a.expectedSend === undefined ? undefined : positiveInteger('expectedSend', a.expectedSend)),
        optional(a.requireSendStatus),
        optional(a.cooldownMs === undefined ? undefined : nonNegativeInteger('cooldownMs', a.cooldownMs)),
        advanceEvent(a),
        timelineRetention,
      ];
      return parseAdvanceReply(await run('advance', [record, timeline, sends], args));
    },

    async recordReceipt(id, send, r) {
      const { record, timeline, sends } = keysOf(id);
      const args = [
        positiveInteger('send', send),
        r.status,
        timestamp(r.nowMs),
        r.providerMessageId ?? '',
        detailJson(r.detail),
        timelineRetention,
        r.claim ? claimOf(r.claim.scope, r.claim.nonce) : '',
      ];
      return parseReceiptReply(await run('receipt', [record, timeline, sends], args), send);
    },
  };
}
