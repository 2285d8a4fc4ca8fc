import { readFileSync } from 'node:fs';
import {
  type Channel,
  createSmtpEmail,
  createTwilioSms,
  createTwilioVoice,
  createVonageSms,
  createVonageVoice,
  type DkimConfig,
  dkimAligned,
} from '@sendcode/channels';
import type { ChannelSet } from '@sendcode/engine';
import type { PaidChannel, ProviderAccount, ProviderFor } from '@sendcode/policy';
import { ConfigError } from '@sendcode/runtime';
import type { WorkersEnv } from './config.ts';

/**
 * Builds the adapters the environment has credentials for, in the configured provider order. A
 * provider with only some of its variables set is a configuration error, not a silent skip.
 */
export function buildChannels(env: WorkersEnv): ChannelSet {
  const smtp = group(env, ['SMTP_URL', 'MAIL_FROM']);
  const twilio = group(env, ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_FROM']);
  const vonage = group(env, [
    'VONAGE_API_KEY',
    'VONAGE_API_SECRET',
    'VONAGE_APPLICATION_ID',
    'VONAGE_PRIVATE_KEY',
    'VONAGE_FROM',
  ]);

  const twilioConfig = twilio && {
    accountSid: twilio.TWILIO_ACCOUNT_SID,
    authToken: twilio.TWILIO_AUTH_TOKEN,
    from: twilio.TWILIO_FROM,
    ...(env.TWILIO_API_BASE_URL ? { baseUrl: env.TWILIO_API_BASE_URL } : {}),
    plainHttpHosts: env.PROVIDER_PLAIN_HTTP_HOSTS,
  };
  const vonageConfig = vonage && {
    apiKey: vonage.VONAGE_API_KEY,
    apiSecret: vonage.VONAGE_API_SECRET,
    applicationId: vonage.VONAGE_APPLICATION_ID,
    privateKey: pem(vonage.VONAGE_PRIVATE_KEY),
    from: vonage.VONAGE_FROM,
    ...(env.VONAGE_REST_HOST ? { restHost: env.VONAGE_REST_HOST } : {}),
    ...(env.VONAGE_API_HOST ? { apiHost: env.VONAGE_API_HOST } : {}),
    plainHttpHosts: env.PROVIDER_PLAIN_HTTP_HOSTS,
  };

  // Built only when named in the order: building one validates its config and makes its client.
  const sms: Builders<'sms'> = {
    twilio: () => twilioConfig && createTwilioSms(twilioConfig),
    vonage: () => vonageConfig && createVonageSms(vonageConfig),
  };
  const voice: Builders<'voice'> = {
    twilio: () => twilioConfig && createTwilioVoice(twilioConfig),
    vonage: () => vonageConfig && createVonageVoice(vonageConfig),
  };
  const email = smtp
    ? [createSmtpEmail({ url: smtp.SMTP_URL, from: smtp.MAIL_FROM, ...dkimConfig(env) })]
    : [];
  return { email, sms: build(env.SMS_PROVIDERS, sms), voice: build(env.VOICE_PROVIDERS, voice) };
}

/** An adapter builder per provider of a channel (undefined: no credentials for it). */
type Builders<C extends PaidChannel> = Record<ProviderFor<C>, () => Channel<C> | undefined>;

/** The adapters of `order` that have credentials, in that order. */
function build<C extends PaidChannel>(order: readonly ProviderFor<C>[], builders: Builders<C>): Channel<C>[] {
  return order.flatMap((name) => builders[name]() ?? []);
}

/**
 * The boot warning for DKIM that signs for another domain than MAIL_FROM's: the signature verifies,
 * but DMARC wants the signing domain aligned with the From domain, and a receiver that checks it
 * treats the mail as unauthenticated. Undefined when aligned or not signing.
 */
export function dkimAlignmentWarning(env: WorkersEnv): string | undefined {
  if (env.DKIM_DOMAIN === undefined || env.MAIL_FROM === undefined) return undefined;
  if (dkimAligned(env.MAIL_FROM, env.DKIM_DOMAIN)) return undefined;
  return `DKIM_DOMAIN ${env.DKIM_DOMAIN} does not align with the MAIL_FROM domain: DMARC needs the signing domain to be the From domain (or its parent), or carriers may treat the mail as spoofed`;
}

/** The account behind each paid adapter built, for `configWarnings` (is a real provider configured?). */
export function providerAccounts(env: WorkersEnv, channels: ChannelSet): ProviderAccount[] {
  const account: Record<ProviderFor<PaidChannel>, string> = {
    twilio: env.TWILIO_ACCOUNT_SID ?? '',
    vonage: env.VONAGE_API_KEY ?? '',
  };
  return (['sms', 'voice'] as const).flatMap((channel) =>
    channels[channel].flatMap(({ provider }) =>
      provider === 'smtp' ? [] : [{ provider, channel, account: account[provider] }],
    ),
  );
}

/** All of `names` set → their values; none set → undefined; some set → ConfigError. */
function group<K extends keyof WorkersEnv>(
  env: WorkersEnv,
  names: readonly K[],
): Record<K, string> | undefined {
  const missing = names.filter((name) => !env[name]);
  if (missing.length === names.length) return undefined;
  if (missing.length > 0) {
    throw new ConfigError(`invalid configuration:\n  ${missing.join(', ')}: required with ${names[0]}`);
  }
  return Object.fromEntries(names.map((name) => [name, String(env[name])])) as Record<K, string>;
}

/** DKIM signing for the SMTP adapter when configured (the env schema makes it all three or none). */
function dkimConfig(env: WorkersEnv): { dkim?: DkimConfig } {
  const { DKIM_DOMAIN: domainName, DKIM_SELECTOR: keySelector, DKIM_PRIVATE_KEY: key } = env;
  if (domainName === undefined || keySelector === undefined || key === undefined) return {};
  return { dkim: { domainName, keySelector, privateKey: pem(key) } };
}

/** A PEM given inline (a one-line env value may write its newlines as `\n`) or the path to one. */
function pem(value: string): string {
  return value.includes('-----BEGIN') ? value.replaceAll('\\n', '\n') : readFileSync(value, 'utf8');
}
