/**
 * Provider adapters behind one Channel contract: nodemailer SMTP for email, Twilio and Vonage for
 * SMS and voice, one folder per provider under `providers/`. Each factory validates its config with
 * its zod schema and returns a Channel whose `send` resolves with the provider's id or throws a
 * classified DeliveryError. The receipt webhooks are here too, and alone (without the sending SDKs)
 * at `@sendcode/channels/receipts`; the Channel contract alone at `@sendcode/channels/channel`.
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
export * from './providers/smtp/index.ts';
export * from './providers/twilio/index.ts';
export * from './providers/vonage/index.ts';
export * from './receipts.ts';
