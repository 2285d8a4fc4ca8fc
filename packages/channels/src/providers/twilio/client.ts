import twilio from 'twilio';
import { z } from 'zod';
import { plainHttpHosts, providerBaseUrl, refuseInsecureBaseUrls, timeoutMs } from '../../config.ts';
import { UndiciRequestClient } from './transport.ts';

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

/** The SDK's client, and what closes its connections when the adapter closes. */
export interface TwilioClient {
  readonly api: twilio.Twilio;
  close(): Promise<void>;
}

/**
 * The real `twilio` client. With `baseUrl` set, its `api` domain (the one serving
 * /2010-04-01/Accounts/...) is re-rooted there: `Domain.baseUrl` is a public field, read on every
 * request, so nothing else changes — auth, form encoding and error parsing stay the SDK's own. Its
 * transport is undici's keep-alive pool (`transport.ts`), not axios. Twilio's own retries stay off:
 * the worker decides what to retry.
 */
export function createTwilioClient(config: z.output<typeof twilioConfigSchema>): TwilioClient {
  const httpClient = new UndiciRequestClient(config.timeoutMs);
  const api = twilio(config.accountSid, config.authToken, { httpClient });
  if (config.baseUrl !== undefined) api.api.baseUrl = config.baseUrl;
  return { api, close: () => httpClient.close() };
}
