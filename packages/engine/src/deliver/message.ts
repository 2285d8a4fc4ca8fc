import { type ChannelName, clientSettings, type MessageContext, renderMessage } from '@sendcode/policy';
import type { VerificationRecord } from '@sendcode/store';
import type { SenderDeps } from '../deps.ts';

/** What the templates are given for a send: the code, the client's template settings, the time left. */
export function messageContext(deps: SenderDeps, record: VerificationRecord, code: string): MessageContext {
  const templates = clientSettings(deps.config.settings, record.client).templates;
  return {
    code,
    brand: record.brand,
    locale: record.locale,
    ttlSeconds: Math.max(1, Math.floor((record.expiresAt - deps.now()) / 1000)),
    purpose: record.purpose,
    senderName: templates.senderName,
    webOtpOrigin: templates.webOtpOrigin,
    url: templates.url,
  };
}

/**
 * The message, or why the templates refused it. `renderMessage` throws RangeError naming the field
 * and the rule it broke, never the value, so its message is safe to log; anything else is a bug
 * known by its name only.
 */
export function render<C extends ChannelName>(channel: C, context: MessageContext) {
  try {
    return { ok: true, message: renderMessage(channel, context) } as const;
  } catch (error) {
    const why = error instanceof RangeError ? error.message : error instanceof Error ? error.name : 'unknown';
    return { ok: false, why } as const;
  }
}
