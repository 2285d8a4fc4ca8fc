import twilio from 'twilio';
import { z } from 'zod';
import { plainHttpHosts, providerBaseUrl, refuseInsecureBaseUrls, timeoutMs } from '../../config.ts';

/** Twilio credentials and sender, shared by the SMS and voice adapters. */
export const twilioConfigSchema = z
  .object({
    accountSid: z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'must be AC followed by 32 hex digits'),
    authToken: z.string().min(1),
    /** E.164 number (or alphanumeric sender ID, for SMS where the country allows it). */
    from: z.string().min(1),
    /** Where the REST API lives. Unset for the real service; the sandbox's URL in tests and demos. */
    baseUrl: providerBaseUrl.optional(),
    /** Hosts `baseUrl` may reach over plain http besides loopback (PROVIDER_PLAIN_HTTP_HOSTS). */
    plainHttpHosts,
    timeoutMs,
  })
  .superRefine((config, ctx) =>
    refuseInsecureBaseUrls(ctx, { baseUrl: config.baseUrl }, config.plainHttpHosts),
  );
export type TwilioConfig = z.input<typeof twilioConfigSchema>;

/**
 * The real `twilio` client. With `baseUrl` set, its `api` domain (the one serving
 * /2010-04-01/Accounts/...) is re-rooted there: `Domain.baseUrl` is a public field, read on every
 * request, so nothing else changes — auth, form encoding and error parsing stay the SDK's own.
 * Twilio's own retries stay off: the worker decides what to retry.
 */
export function createTwilioClient(config: z.output<typeof twilioConfigSchema>): twilio.Twilio {
  const client = twilio(config.accountSid, config.authToken, { timeout: config.timeoutMs, autoRetry: false });
  if (config.baseUrl !== undefined) client.api.baseUrl = config.baseUrl;
  return client;
}
