import { TypeEnum } from '@vonage/sms';
import { type Channel, DeliveryError } from '../../channel.ts';
import { parseConfig } from '../../config.ts';
import { createVonageClient, type VonageSmsConfig, vonageNumber, vonageSmsConfigSchema } from './client.ts';
import { vonageDeliveryError } from './errors.ts';
import { isGsm7 } from './gsm7.ts';

/**
 * SMS through the Vonage SMS API. The reference goes in `client-ref`, which Vonage echoes in the
 * delivery receipt (sent to the account's or the given callback URL).
 */
export function createVonageSms(input: VonageSmsConfig): Channel<'sms'> {
  const config = parseConfig('vonage sms', vonageSmsConfigSchema, input);
  const vonage = createVonageClient(config);
  return {
    channel: 'sms',
    provider: 'vonage',
    async send({ to, message, reference, statusCallbackUrl }) {
      let messageId: string | undefined;
      try {
        const response = await vonage.sms.send({
          to: vonageNumber(to),
          from: vonageNumber(config.from),
          text: message.text,
          clientRef: reference,
          ...(isGsm7(message.text) ? {} : { type: TypeEnum.UNICODE }),
          ...(statusCallbackUrl === undefined ? {} : { callback: statusCallbackUrl }),
        });
        messageId = response.messages[0]?.messageId;
      } catch (error) {
        throw vonageDeliveryError(error);
      }
      if (messageId === undefined) {
        throw new DeliveryError('retryable', 'vonage', 'Vonage accepted the SMS without a message id');
      }
      return { providerMessageId: messageId };
    },
    async close() {},
  };
}
