/**
 * Provider adapters behind one Channel contract: nodemailer SMTP for email, Twilio and Vonage for
 * SMS and voice. Each factory validates its config with its zod schema and returns a Channel whose
 * `send` resolves with the provider's id or throws a classified DeliveryError.
 */
export {
  type Channel,
  DELIVERY_ERROR_KINDS,
  type Delivery,
  DeliveryError,
  type DeliveryErrorKind,
  isDeliveryError,
  type SendResult,
} from './channel.ts';
export { PLAIN_HTTP_REFUSAL, plainHttpHosts, providerBaseUrl, refuseInsecureBaseUrls } from './config.ts';
export { type DkimConfig, dkimAligned, dkimConfigSchema } from './email/smtp/dkim.ts';
export { createSmtpEmail, type SmtpEmailConfig, smtpEmailConfigSchema } from './email/smtp/smtp-email.ts';
export { createTwilioSms } from './sms/twilio/twilio-sms.ts';
export { createVonageSms } from './sms/vonage/vonage-sms.ts';
export { type TwilioConfig, twilioConfigSchema } from './twilio/client.ts';
export { createTwilioVoice } from './voice/twilio/twilio-voice.ts';
export { createVonageVoice } from './voice/vonage/vonage-voice.ts';
export {
  type VonageSmsConfig,
  type VonageVoiceConfig,
  vonageSmsConfigSchema,
  vonageVoiceConfigSchema,
} from './vonage/client.ts';
