import type { Channel } from '../../channel.ts';
import { parseConfig } from '../../config.ts';
import { createTwilioClient, type TwilioConfig, twilioConfigSchema } from './client.ts';
import { twilioDeliveryError } from './errors.ts';

/**
 * SMS through Twilio Programmable Messaging. Twilio picks the encoding (GSM-7 or UCS-2) itself.
 * The status callback, when the gateway has a public URL, brings the delivery receipt.
 */
export function createTwilioSms(input: TwilioConfig): Channel<'sms'> {
  const config = parseConfig('twilio sms', twilioConfigSchema, input);
  const client = createTwilioClient(config);
  return {
    channel: 'sms',
    provider: 'twilio',
    async send({ to, message, statusCallbackUrl }) {
      try {
        const sent = await client.api.messages.create({
          to,
          from: config.from,
          body: message.text,
          ...(statusCallbackUrl === undefined ? {} : { statusCallback: statusCallbackUrl }),
        });
        return { providerMessageId: sent.sid };
      } catch (error) {
        throw twilioDeliveryError(error);
      }
    },
    close: () => client.close(),
  };
}
