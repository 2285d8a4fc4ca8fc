import { BRAND_MAX_LENGTH, checkBrand } from '@sendcode/policy';
import { z } from 'zod';
import { channel } from './values.ts';

/**
 * Request bodies of the native API. These schemas are the contract: the routes validate with them
 * and nothing else, so what is accepted is exactly what is written here. The OpenAPI document shows
 * their input side, and @sendcode/client types its arguments with `z.input` of them.
 */

const destination = z.string().trim().min(3).max(320);
const purpose = z.string().regex(/^[a-z][a-z_]{0,31}$/, 'lower-case snake_case, e.g. "sign_in"');

/** Brand names appear in every message: `checkBrand` refuses anything that looks like a link. */
const brand = z
  .string()
  .trim()
  .superRefine((value, ctx) => {
    const checked = checkBrand(value);
    if (!checked.ok) ctx.addIssue({ code: 'custom', message: BRAND_MESSAGES[checked.reason] });
  });

const BRAND_MESSAGES = {
  empty: 'must not be empty',
  too_long: `must be at most ${BRAND_MAX_LENGTH} characters`,
  invalid_chars: 'must not contain control or direction characters',
  looks_like_link: 'must not look like a link, a domain name or an email address',
} as const;

/** `POST /v1/verifications`. */
export const createVerificationBody = z.strictObject({
  /** E.164 phone number (`+819012345678`) or email address. */
  to: destination,
  /** Default: email for addresses, sms for phones. */
  channel: channel.optional(),
  /** Where to fail over to (explicit opt-in), in order. At most 4. */
  fallbacks: z
    .array(z.strictObject({ to: destination, channel: channel.optional() }))
    .max(4)
    .optional(),
  /** BCP 47 tag, e.g. `ja`, `en-GB`. */
  locale: z
    .string()
    .regex(/^[a-zA-Z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'a BCP 47 language tag such as "ja" or "en-GB"')
    .optional(),
  brand: brand.optional(),
  /** Lower-case snake_case; default `sign_in`. */
  purpose: purpose.optional(),
  /** 4-10, default 6. */
  codeLength: z.number().int().min(4).max(10).optional(),
  /** 60-86400, default 600. */
  ttlSeconds: z.number().int().min(60).max(86_400).optional(),
  accountRef: z.string().min(1).max(128).optional(),
  endUserIp: z.union([z.ipv4(), z.ipv6()]).optional(),
});
/** A create body as validated (trimmed): what the gateway hands the engine. */
export type CreateVerificationBody = z.infer<typeof createVerificationBody>;

/** `POST /v1/verifications/{id}/checks`. */
export const checkBody = z.strictObject({
  code: z.string().max(64),
});

/** `POST /v1/verifications/check`: a check by destination (and purpose, default `sign_in`). */
export const checkByDestinationBody = z.strictObject({
  to: destination,
  code: z.string().max(64),
  /** Default `sign_in`. */
  purpose: purpose.optional(),
});

/** `POST /v1/verifications/{id}/resend`: the body is optional, `{}` resends on the current channel. */
export const resendBody = z.strictObject({ channel: channel.optional() });
