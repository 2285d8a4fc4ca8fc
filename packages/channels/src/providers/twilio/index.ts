/** Twilio: SMS (Programmable Messaging) and voice (Programmable Voice) with one account. */
export { type TwilioConfig, twilioConfigSchema } from './client.ts';
export { createTwilioSms } from './sms.ts';
export { createTwilioVoice } from './voice.ts';
