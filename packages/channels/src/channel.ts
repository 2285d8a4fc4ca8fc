import type { ChannelName, MessageFor, ProviderName } from '@sendcode/policy';

/**
 * The Channel contract: one adapter per (channel, provider) pair. An adapter maps our rendered
 * message to one provider call and the provider's answer or error to ours — nothing else. It does not
 * retry, log, render templates or touch Redis: the worker decides what happens next from the
 * `DeliveryError.kind` the adapter reports, so every adapter must classify every error it can see.
 * This file is also an entry point of its own, `@sendcode/channels/channel`, that loads no SDK: the
 * engine imports the contract from there, since the gateway, which sends nothing, loads the engine.
 */
export interface Channel<C extends ChannelName = ChannelName> {
  readonly channel: C;
  readonly provider: ProviderName;
  /** Hands the message to the provider. Resolves once the provider has accepted it. */
  send(delivery: Delivery<C>): Promise<SendResult>;
  /** Releases connections (SMTP pools). Safe to call twice. */
  close(): Promise<void>;
}

export interface Delivery<C extends ChannelName = ChannelName> {
  /** E.164 number or normalised email address. */
  readonly to: string;
  readonly message: MessageFor<C>;
  /**
   * Opaque reference (verification id and step) the provider echoes back in receipts. Never the
   * code or the destination.
   */
  readonly reference: string;
  /** Where the provider should post delivery receipts, when the gateway has a public URL. */
  readonly statusCallbackUrl?: string;
}

export interface SendResult {
  /** The provider's id for the message or call (Twilio SID, Vonage message/call UUID, SMTP Message-ID). */
  readonly providerMessageId: string;
}

/**
 * How the worker should react to a failed send:
 * - `retryable`: try the same provider again later (timeouts, connection errors, 5xx, SMTP 4xx);
 * - `rate_limited`: the provider asked us to slow down (HTTP 429, Twilio 20429): pause, do not burn an attempt;
 * - `permanent`: this destination will never work on this channel (invalid number, SMTP 5xx such
 *   as a carrier's 550, landline for SMS): move to the next step of the plan;
 * - `blocked`: the provider refuses us (auth, account suspended, region disabled): try another provider.
 */
export const DELIVERY_ERROR_KINDS = ['retryable', 'rate_limited', 'permanent', 'blocked'] as const;
export type DeliveryErrorKind = (typeof DELIVERY_ERROR_KINDS)[number];

/** The one error type adapters throw. `detail` is safe to log: no destination, no code. */
export class DeliveryError extends Error {
  override readonly name = 'DeliveryError';
  readonly kind: DeliveryErrorKind;
  readonly provider: ProviderName;
  /** What the provider said, for the timeline: HTTP status, SMTP reply code, Twilio/Vonage error code. */
  readonly providerCode: string | undefined;

  constructor(
    kind: DeliveryErrorKind,
    provider: ProviderName,
    message: string,
    options: { providerCode?: string | number | undefined; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.kind = kind;
    this.provider = provider;
    this.providerCode = options.providerCode === undefined ? undefined : String(options.providerCode);
  }
}

/** Recognises a DeliveryError even across duplicated module copies. */
export function isDeliveryError(error: unknown): error is DeliveryError {
  return error instanceof DeliveryError || (error instanceof Error && error.name === 'DeliveryError');
}
