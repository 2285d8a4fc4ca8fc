/**
 * The sandbox's memory: every message a fake provider accepted, in arrival order, with the code
 * parsed out so tests and demos can read it back (`GET /messages?to=`). Nothing is persisted.
 */

export type SandboxChannel = 'email' | 'sms' | 'voice';
export type SandboxProvider = 'smtp' | 'twilio' | 'vonage';

/**
 * What the fake provider says became of the message: `accepted` until a final receipt is sent (and
 * for good when none is: email, no callback URL, the `no_receipt` fault), then `delivered` or
 * `undelivered`.
 */
export type SandboxDeliveryStatus = 'accepted' | 'delivered' | 'undelivered';

/**
 * What the SMTP sink made of an email's DKIM signatures: `pass` when one verifies against a key the
 * sandbox was given, `none` when there is no signature, `fail` when none of them verifies (bad
 * signature, altered body or headers, a key the sandbox does not know).
 */
export type SandboxDkimResult = 'pass' | 'fail' | 'none';

/** One accepted message, one recipient. */
export interface SandboxMessage {
  readonly channel: SandboxChannel;
  readonly provider: SandboxProvider;
  /** E.164 with a leading `+`, or the lower-cased email address. */
  readonly to: string;
  /** The code parsed out of the body, `null` when none was found. */
  readonly code: string | null;
  /** The text, or for a call the words spoken. */
  readonly body: string;
  readonly subject?: string;
  /** Email only: the DKIM verdict. */
  readonly dkim?: SandboxDkimResult;
  readonly providerMessageId: string;
  /** ISO 8601. */
  readonly receivedAt: string;
  readonly status: SandboxDeliveryStatus;
  /** Where the client asked for receipts (Twilio `StatusCallback`, Vonage `callback` / `event_url`). */
  readonly callbackUrl?: string;
  /** The HTTP status the callback URL answered the latest receipt with; unset until one answers. */
  readonly lastCallbackStatus?: number;
}

/** What a fake provider hands the log: the raw destination, no code, no timestamp, no status yet. */
export type NewSandboxMessage = Omit<SandboxMessage, 'code' | 'receivedAt' | 'status' | 'lastCallbackStatus'>;

/** What a receipt changes on a recorded message. */
export type SandboxMessageUpdate = Partial<Pick<SandboxMessage, 'status' | 'lastCallbackStatus'>>;

/** In-memory log of accepted messages, newest last. */
export class MessageLog {
  readonly #messages: SandboxMessage[] = [];

  /** Normalises the destination, parses the code and stores the message. */
  record(message: NewSandboxMessage): SandboxMessage {
    const stored: SandboxMessage = {
      ...message,
      to: normaliseDestination(message.to),
      code: parseCode(message.channel, message.body),
      receivedAt: new Date().toISOString(),
      status: 'accepted',
    };
    this.#messages.push(stored);
    return stored;
  }

  /** Applies a receipt's outcome; a message cleared in the meantime is left alone. */
  update(providerMessageId: string, update: SandboxMessageUpdate): void {
    const index = this.#messages.findIndex((message) => message.providerMessageId === providerMessageId);
    const current = this.#messages[index];
    if (current !== undefined) this.#messages[index] = { ...current, ...update };
  }

  /** All messages, or those sent to one destination (normalised the same way as recorded ones). */
  list(to?: string): readonly SandboxMessage[] {
    if (to === undefined) return [...this.#messages];
    const wanted = normaliseDestination(to);
    return this.#messages.filter((message) => message.to === wanted);
  }

  clear(): void {
    this.#messages.length = 0;
  }
}

/**
 * Email addresses are trimmed and lower-cased; anything else is a phone number reduced to `+` and
 * digits. A `+` typed unencoded in a query string arrives as a space, so a leading space before a
 * digit is read as `+`; numbers written without `+` (as Vonage does) get one.
 */
export function normaliseDestination(raw: string): string {
  const value = raw.replace(/^\s+(?=\d)/, '+').trim();
  if (value.includes('@')) return value.toLowerCase();
  const digits = value.replace(/\D/g, '');
  return digits === '' ? '' : `+${digits}`;
}

/**
 * Finds the one-time code in a message. Email and SMS: the first run of 4–10 ASCII digits. Voice:
 * the first run of 4–10 single digits separated by anything but letters and digits, because the
 * templates read digits one by one ("1, 2, 3, 4, 5, 6" or "1、2、3、4、5、6").
 */
export function parseCode(channel: SandboxChannel, body: string): string | null {
  return channel === 'voice' ? parseSpokenCode(body) : parseWrittenCode(body);
}

function parseWrittenCode(body: string): string | null {
  for (const [run] of body.matchAll(/[0-9]+/g)) {
    if (run.length >= 4 && run.length <= 10) return run;
  }
  return null;
}

function parseSpokenCode(body: string): string | null {
  let digits = '';
  // Words and numbers in order; whatever lies between two tokens is a separator.
  for (const [token] of body.matchAll(/[\p{L}\p{N}]+/gu)) {
    if (/^[0-9]$/.test(token)) {
      digits += token;
      continue;
    }
    if (digits.length >= 4 && digits.length <= 10) return digits;
    digits = '';
  }
  return digits.length >= 4 && digits.length <= 10 ? digits : null;
}
