import { RECEIPT_WEBHOOKS, type ReceiptWebhook } from '@sendcode/channels/receipts';
import type { ReceiptProvider } from '@sendcode/policy';
import express, { type RequestHandler, Router } from 'express';
import type { GatewayDeps } from '../deps.ts';
import { isApiError } from '../errors.ts';
import type { WebhookRejection } from '../metrics.ts';
import { receive } from './receive.ts';

/**
 * Provider receipts, one route per receipt webhook of `@sendcode/channels/receipts`. No bearer key:
 * each webhook checks its provider's signature instead, with the secret configured for it.
 */
export function webhooks(deps: GatewayDeps): Router {
  const router = Router();
  const limit = '64kb';
  const form = express.urlencoded({ extended: false, limit });
  const parsers: Record<ReceiptWebhook['body'], RequestHandler[]> = {
    form: [form],
    json_or_form: [express.json({ limit }), form],
    // A signature over the exact bytes (Vonage's JWT payload_hash) needs them raw.
    raw: [express.raw({ type: () => true, limit })],
  };
  const secrets: Record<ReceiptProvider, string | undefined> = {
    twilio: deps.config.TWILIO_AUTH_TOKEN,
    vonage: deps.config.VONAGE_SIGNATURE_SECRET,
  };
  for (const webhook of RECEIPT_WEBHOOKS) {
    router.post(`/${webhook.path}`, ...parsers[webhook.body], async (req, res) => {
      try {
        const request = {
          url: `${deps.publicUrl}${req.originalUrl}`,
          header: (name: string) => req.get(name),
          body: req.body,
          ref: req.query.ref,
          now: deps.now(),
        };
        await receive(deps, webhook.read(request, secrets[webhook.provider]), res);
      } catch (error) {
        const reason = isApiError(error) ? REJECTIONS[error.code] : undefined;
        if (reason) deps.metrics.webhookRejected(webhook.provider, reason);
        throw error;
      }
    });
  }
  return router;
}

const REJECTIONS: Partial<Record<string, WebhookRejection>> = {
  unauthorized: 'unsigned',
  invalid_signature: 'invalid_signature',
  webhook_replayed: 'replayed',
};
