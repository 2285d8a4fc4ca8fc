import { HttpMethod, NCCOActions } from '@vonage/voice';
import type { Channel } from '../../channel.ts';
import { parseConfig } from '../../config.ts';
import {
  createVonageClient,
  type VonageVoiceConfig,
  vonageNumber,
  vonageVoiceConfigSchema,
} from './client.ts';
import { vonageDeliveryError } from './errors.ts';

/**
 * A call through the Vonage Voice API that reads the code with an inline NCCO `talk` action, so no
 * answer webhook is needed. Call events go to the status callback URL when there is one.
 */
export function createVonageVoice(input: VonageVoiceConfig): Channel<'voice'> {
  const config = parseConfig('vonage voice', vonageVoiceConfigSchema, input);
  const vonage = createVonageClient(config);
  return {
    channel: 'voice',
    provider: 'vonage',
    async send({ to, message, statusCallbackUrl }) {
      try {
        const call = await vonage.voice.createOutboundCall({
          to: [{ type: 'phone', number: vonageNumber(to) }],
          from: { type: 'phone', number: vonageNumber(config.from) },
          ncco: [{ action: NCCOActions.TALK, text: message.speech, language: message.language }],
          ...(statusCallbackUrl === undefined
            ? {}
            : { eventUrl: [statusCallbackUrl], eventMethod: HttpMethod.POST }),
        });
        return { providerMessageId: call.uuid };
      } catch (error) {
        throw vonageDeliveryError(error);
      }
    },
    async close() {},
  };
}
