import type { ChannelName, ReceiptProvider } from '@sendcode/policy';

/**
 * The receipt contract: one `ReceiptWebhook` per URL a provider posts delivery receipts to. A webhook
 * authenticates a request with the account's secret and reads the provider's status into our
 * receipt, and nothing else: it answers no HTTP, touches no Redis and decides nothing about the
 * verification (the gateway's `receive()` does). It never throws on what is posted, by a provider or a
 * forger: a request it cannot authenticate is a refusal, a status that is not final is no receipt.
 * Receipts modules import no sending SDK, so the gateway, which only receives, never loads one.
 */
export interface ReceiptWebhook {
  readonly provider: ReceiptProvider;
  /** The channels whose receipts arrive here. */
  readonly channels: readonly ChannelName[];
  /**
   * Where it listens, under the gateway's `/webhooks/`. It is in the callback URL given to the
   * provider with every send, and providers retry to it for days: never change one.
   */
  readonly path: string;
  /** How the gateway reads the body: url-encoded form, JSON or form, or the raw bytes a signature covers. */
  readonly body: 'form' | 'json_or_form' | 'raw';
  /** Authenticates the request with the account's secret (undefined: not configured, so refused). */
  read(request: WebhookRequest, secret: string | undefined): ReceiptRead;
}

/** What a receipt webhook is given of an HTTP request. */
export interface WebhookRequest {
  /** The URL the provider posted to, as the provider was given it: public URL, path and query. */
  readonly url: string;
  readonly header: (name: string) => string | undefined;
  /** The parsed body: a record for form and JSON (empty when there was none), a Buffer for `raw`. */
  readonly body: unknown;
  /** The `ref` query parameter: our send reference, when the callback URL carries it. */
  readonly ref: unknown;
  /** Now, in ms since the epoch: signed timestamps must be recent. */
  readonly now: number;
}

/** A provider's final status for one of our sends, mapped to our two outcomes. */
export interface ProviderReceipt {
  readonly channel: ChannelName;
  readonly provider: ReceiptProvider;
  readonly status: 'delivered' | 'undelivered';
  readonly providerMessageId: string;
  /** The provider's status and error code as it said them, for the timeline. */
  readonly detail: Readonly<Record<string, string>>;
  /** An `undelivered` call that rang and was not answered (busy, no answer, declined): the callee's doing. */
  readonly unanswered?: boolean;
}

/** Why a request was refused: no signature at all (401), or one that does not match (403). */
export type ReceiptRefusal = 'unsigned' | 'invalid_signature';

/** What a webhook read from a request. */
export type ReceiptRead =
  | {
      readonly ok: true;
      /** Replay protection: each signed request (`scope`, `nonce`) is accepted once. */
      readonly scope: string;
      readonly nonce: string;
      /** Undefined for statuses that are not final (queued, sent, ringing, ...). */
      readonly receipt: ProviderReceipt | undefined;
      /** Our send reference as the provider echoed it, unchecked. */
      readonly reference: unknown;
    }
  | { readonly ok: false; readonly reason: ReceiptRefusal };
