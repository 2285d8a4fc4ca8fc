import { readFileSync } from 'node:fs';
import {
  type Channel,
  createSmtpEmail,
  createTwilioSms,
  createTwilioVoice,
  createVonageSms,
  createVonageVoice,
} from '@sendcode/channels';
import type { ChannelSet } from '@sendcode/engine';
import type { ProviderAccount } from '@sendcode/policy';
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
  };
  const vonageConfig = vonage && {
    apiKey: vonage.VONAGE_API_KEY,
    apiSecret: vonage.VONAGE_API_SECRET,
    applicationId: vonage.VONAGE_APPLICATION_ID,
    privateKey: pem(vonage.VONAGE_PRIVATE_KEY),
    from: vonage.VONAGE_FROM,
    ...(env.VONAGE_REST_HOST ? { restHost: env.VONAGE_REST_HOST } : {}),
    ...(env.VONAGE_API_HOST ? { apiHost: env.VONAGE_API_HOST } : {}),
  };

  const sms = env.SMS_PROVIDERS.flatMap((name): Channel<'sms'>[] => {
    if (name === 'twilio') return twilioConfig ? [createTwilioSms(twilioConfig)] : [];
    return vonageConfig ? [createVonageSms(vonageConfig)] : [];
  });
  const voice = env.VOICE_PROVIDERS.flatMap((name): Channel<'voice'>[] => {
    if (name === 'twilio') return twilioConfig ? [createTwilioVoice(twilioConfig)] : [];
    return vonageConfig ? [createVonageVoice(vonageConfig)] : [];
  });
  const email = smtp ? [createSmtpEmail({ url: smtp.SMTP_URL, from: smtp.MAIL_FROM })] : [];
  return { email, sms, voice };
}

/** The account behind each paid adapter built, for `configWarnings` (is a real provider configured?). */
export function providerAccounts(env: WorkersEnv, channels: ChannelSet): ProviderAccount[] {
  const account = { twilio: env.TWILIO_ACCOUNT_SID ?? '', vonage: env.VONAGE_API_KEY ?? '' };
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

function pem(value: string): string {
  return value.includes('-----BEGIN') ? value : readFileSync(value, 'utf8');
}
