/**
 * The vocabulary every other package speaks: channels, statuses, destinations, plans and the
 * rendered messages that adapters deliver. Pure types and `as const` tables, no behaviour.
 */

/** Delivery channels. The values are stored in Redis and used as queue names: never rename one. */
export const CHANNELS = ['email', 'sms', 'voice'] as const;
export type ChannelName = (typeof CHANNELS)[number];

/** Lifecycle of a verification. Every status but `pending` is final. */
export const STATUSES = ['pending', 'approved', 'expired', 'locked', 'canceled', 'failed'] as const;
export type VerificationStatus = (typeof STATUSES)[number];

/** Why a code is being sent. Free-form upstream, but these are the ones templates know by name. */
export const PURPOSES = [
  'sign_in',
  'sign_up',
  'password_reset',
  'contact_verification',
  'transaction',
] as const;
export type Purpose = (typeof PURPOSES)[number];

/** Locales with templates. Anything else falls back to `en`. */
export const LOCALES = ['en', 'ja'] as const;
export type Locale = (typeof LOCALES)[number];

/** Number types as libphonenumber-js reports them, lower-cased; `unknown` when it cannot tell. */
export type PhoneType =
  | 'mobile'
  | 'fixed_line'
  | 'fixed_line_or_mobile'
  | 'voip'
  | 'toll_free'
  | 'premium_rate'
  | 'shared_cost'
  | 'personal_number'
  | 'pager'
  | 'uan'
  | 'voicemail'
  | 'unknown';

export interface PhoneDestination {
  readonly kind: 'phone';
  /** E.164, e.g. `+819012345678`. */
  readonly address: string;
  /** ISO 3166-1 alpha-2, e.g. `JP`; undefined for non-geographic numbers. */
  readonly country: string | undefined;
  /** The E.164 country calling code, e.g. `81`: the address is `+`, it, and the national number. */
  readonly countryCallingCode: string;
  readonly type: PhoneType;
}

export interface EmailDestination {
  readonly kind: 'email';
  /** Trimmed, domain lower-cased and in punycode (IDN), local part kept as typed. */
  readonly address: string;
  readonly domain: string;
}

export type Destination = PhoneDestination | EmailDestination;

/** One option of a delivery plan: where and how to send the (same) code. */
export interface PlanStep {
  readonly channel: ChannelName;
  /** Normalised address: E.164 for sms/voice, the normalised email address for email. */
  readonly to: string;
}

/** What a template needs. The code is the only secret in it. */
export interface MessageContext {
  readonly code: string;
  readonly brand: string;
  readonly locale: string;
  readonly ttlSeconds: number;
  readonly purpose: string;
  /**
   * Display name of the email's From address (the address itself is fixed by the deployment). Set
   * per client by the operator; must pass the same checks as a brand.
   */
  readonly senderName?: string | undefined;
  /** An https origin, e.g. `https://acme.example`: SMS end with the WebOTP line `@acme.example #<code>`. */
  readonly webOtpOrigin?: string | undefined;
  /** An https help page the email may point to; without it, messages carry no link at all. */
  readonly url?: string | undefined;
}

export interface EmailMessage {
  readonly channel: 'email';
  readonly subject: string;
  readonly text: string;
  /** The same content as `text` as a self-contained HTML page: no scripts, images or remote resources. */
  readonly html: string;
  /** Display name for the deployment's fixed From address, when the client has one configured. */
  readonly fromName?: string;
}

export interface SmsMessage {
  readonly channel: 'sms';
  readonly text: string;
}

export interface VoiceMessage {
  readonly channel: 'voice';
  /** What the call says, already spaced so each digit is read alone, said twice. */
  readonly speech: string;
  /** BCP 47 language for the text-to-speech voice, e.g. `ja-JP`. */
  readonly language: string;
}

export type RenderedMessage = EmailMessage | SmsMessage | VoiceMessage;

/** The rendered message type for a channel. */
export type MessageFor<C extends ChannelName> = Extract<RenderedMessage, { channel: C }>;
