/** Vonage: SMS (the SMS API, key and secret) and voice (the Voice API, an application and its key). */
export {
  type VonageSmsConfig,
  type VonageVoiceConfig,
  vonageSmsConfigSchema,
  vonageVoiceConfigSchema,
} from './client.ts';
export { createVonageSms } from './sms.ts';
export { createVonageVoice } from './voice.ts';
