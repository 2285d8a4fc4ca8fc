import { type CreateVerificationBody, createVerificationBody } from '@sendcode/contract';
import { z } from 'zod';
import { invalidParameter } from './errors.ts';

/**
 * Twilio Verify's form parameters (PascalCase, every value a string), translated into the native
 * bodies and then validated by the native schemas, so both APIs accept exactly the same values.
 * Parameters Twilio has and we do not (CustomCode, TemplateSid, RateLimits...) are ignored, as Twilio
 * ignores parameters it does not know.
 */

/** Twilio's channel names → ours. `whatsapp`, `sna` and `auto` are refused with 60200. */
export const CHANNEL_FROM_TWILIO = { sms: 'sms', call: 'voice', email: 'email' } as const;

const createForm = z.object({
  To: z.string().min(1, 'is required'),
  Channel: z.enum(Object.keys(CHANNEL_FROM_TWILIO) as [keyof typeof CHANNEL_FROM_TWILIO], {
    message: 'must be one of sms, call, email',
  }),
  Locale: z.string().optional(),
  CustomFriendlyName: z.string().optional(),
  CodeLength: z
    .string()
    .regex(/^\d{1,2}$/, 'must be a number')
    .transform(Number)
    .optional(),
});

/** `POST .../VerificationCheck`: `Code` and one of `To`, `VerificationSid`. */
export const checkForm = z.object({
  To: z.string().min(1).optional(),
  VerificationSid: z.string().min(1).optional(),
  Code: z.string().min(1, 'is required').max(64),
});

/** `POST .../Verifications/{Sid}`: only `Status` is read. */
export const updateForm = z.object({
  Status: z.enum(['canceled', 'approved'], { message: 'must be canceled or approved' }),
});

/** Native field → Twilio parameter, for naming the parameter a native validation refused. */
const TWILIO_NAMES: Record<string, string> = {
  to: 'To',
  channel: 'Channel',
  locale: 'Locale',
  brand: 'CustomFriendlyName',
  codeLength: 'CodeLength',
};

/** Parses a form body with `schema`, or throws 60200 naming the first bad parameter. */
export function parseForm<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw invalidParameter(String(issue?.path[0] ?? 'body'), issue?.message ?? 'is not valid');
}

/** `POST .../Verifications` form → the native create body, validated by the native schema. */
export function toCreateBody(body: unknown): CreateVerificationBody {
  const form = parseForm(createForm, body);
  const native = {
    to: form.To,
    channel: CHANNEL_FROM_TWILIO[form.Channel],
    ...(form.Locale === undefined ? {} : { locale: form.Locale }),
    ...(form.CustomFriendlyName === undefined ? {} : { brand: form.CustomFriendlyName }),
    ...(form.CodeLength === undefined ? {} : { codeLength: form.CodeLength }),
  };
  const result = createVerificationBody.safeParse(native);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = String(issue?.path[0] ?? 'body');
  throw invalidParameter(TWILIO_NAMES[field] ?? field, issue?.message ?? 'is not valid');
}
