import { Auth } from '@vonage/auth';
import { Vonage } from '@vonage/server-sdk';
import { z } from 'zod';
import { plainHttpHosts, providerBaseUrl, refuseInsecureBaseUrls, timeoutMs } from '../../config.ts';

/** Vonage SMS API credentials (api key and secret) and sender (number or alphanumeric ID). */
export const vonageSmsConfigSchema = z
  .object({
    apiKey: z.string().min(1),
    apiSecret: z.string().min(1),
    from: z.string().min(1),
    /** The SMS API's host, `https://rest.nexmo.com` when unset; the sandbox's URL in tests and demos. */
    restHost: providerBaseUrl.optional(),
    /** Hosts `restHost` may reach over plain http besides loopback (PROVIDER_PLAIN_HTTP_HOSTS). */
    plainHttpHosts,
    timeoutMs,
  })
  .superRefine((config, ctx) =>
    refuseInsecureBaseUrls(ctx, { restHost: config.restHost }, config.plainHttpHosts),
  );
export type VonageSmsConfig = z.input<typeof vonageSmsConfigSchema>;

/** Vonage Voice API application (id and private key, PEM or a path to it) and caller. */
export const vonageVoiceConfigSchema = z
  .object({
    applicationId: z.string().min(1),
    privateKey: z.string().min(1),
    /** The caller number. Vonage refuses a call from anything but a number of the account (HTTP 400). */
    from: z.string().min(1),
    /** The Voice API's host, `https://api.nexmo.com` when unset; the sandbox's URL in tests and demos. */
    apiHost: providerBaseUrl.optional(),
    /** Hosts `apiHost` may reach over plain http besides loopback (PROVIDER_PLAIN_HTTP_HOSTS). */
    plainHttpHosts,
    timeoutMs,
  })
  .superRefine((config, ctx) =>
    refuseInsecureBaseUrls(ctx, { apiHost: config.apiHost }, config.plainHttpHosts),
  );
export type VonageVoiceConfig = z.input<typeof vonageVoiceConfigSchema>;

/** What the client needs: SMS uses the key and secret, voice the application and its key. */
export interface VonageClientOptions {
  readonly apiKey?: string;
  readonly apiSecret?: string;
  readonly applicationId?: string;
  readonly privateKey?: string;
  readonly restHost?: string | undefined;
  readonly apiHost?: string | undefined;
  readonly timeoutMs: number;
}

/**
 * The real Vonage client. `restHost` and `apiHost` are the SDK's own options (ConfigParams), so
 * pointing it at the sandbox changes nothing else. Without `timeout` the SDK waits forever.
 */
export function createVonageClient(options: VonageClientOptions): Vonage {
  const credentials = new Auth({
    apiKey: options.apiKey ?? null,
    apiSecret: options.apiSecret ?? null,
    applicationId: options.applicationId ?? null,
    // Auth passes it to fs.existsSync (a key may be a path), which Node 24 deprecates for null
    // (DEP0187, a warning at every boot); the SDK reads '' as no key, as it reads null.
    privateKey: options.privateKey ?? '',
  });
  return new Vonage(credentials, {
    timeout: options.timeoutMs,
    ...(options.restHost === undefined ? {} : { restHost: options.restHost }),
    ...(options.apiHost === undefined ? {} : { apiHost: options.apiHost }),
  });
}

/** Vonage wants numbers in international format without the `+`. */
export function vonageNumber(e164: string): string {
  return e164.replace(/^\+/, '');
}
