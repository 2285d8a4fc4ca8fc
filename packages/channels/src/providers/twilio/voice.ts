import twilio from 'twilio';
import type { Channel } from '../../channel.ts';
import { parseConfig } from '../../config.ts';
import { createTwilioClient, type TwilioConfig, twilioConfigSchema } from './client.ts';
import { twilioDeliveryError } from './errors.ts';

/** The languages `<Say>` accepts, as the SDK types them. */
type SayLanguage = NonNullable<Parameters<twilio.twiml.VoiceResponse['say']>[0]['language']>;

/**
 * Every progress event, not only Twilio's default `completed`: `ringing` and `answered` show on the
 * timeline, and a call that ends without `answered` is the negative receipt that triggers failover.
 */
const CALL_PROGRESS_EVENTS = ['initiated', 'ringing', 'answered', 'completed'] as const;

/**
 * A call through Twilio Programmable Voice that reads the code with `<Say>` from inline TwiML, so no
 * public webhook is needed to serve it. The SDK's VoiceResponse builds the XML and escapes it.
 */
export function createTwilioVoice(input: TwilioConfig): Channel<'voice'> {
  const config = parseConfig('twilio voice', twilioConfigSchema, input);
  const client = createTwilioClient(config);
  return {
    channel: 'voice',
    provider: 'twilio',
    async send({ to, message, statusCallbackUrl }) {
      const twiml = new twilio.twiml.VoiceResponse();
      // Twilio rejects a language it cannot speak (error 13520); the list in the types lags behind.
      twiml.say({ language: message.language as SayLanguage }, message.speech);
      try {
        const call = await client.api.calls.create({
          to,
          from: config.from,
          twiml: twiml.toString(),
          ...(statusCallbackUrl === undefined
            ? {}
            : {
                statusCallback: statusCallbackUrl,
                statusCallbackEvent: [...CALL_PROGRESS_EVENTS],
                statusCallbackMethod: 'POST',
              }),
        });
        return { providerMessageId: call.sid };
      } catch (error) {
        throw twilioDeliveryError(error);
      }
    },
    close: () => client.close(),
  };
}
