import { createTransport } from 'nodemailer';
import addressparser from 'nodemailer/lib/addressparser';
import { z } from 'zod';
import type { Channel } from '../../channel.ts';
import { parseConfig, timeoutMs } from '../../config.ts';
import { dkimConfigSchema } from './dkim.ts';
import { smtpDeliveryError } from './errors.ts';

/** SMTP credentials and sender. `url` carries host, port and login: `smtp://user:pass@host:587`. */
export const smtpEmailConfigSchema = z.object({
  url: z.url({ protocol: /^smtps?$/, error: 'must be an smtp:// or smtps:// URL' }),
  /**
   * The fixed sender users learn to recognise, e.g. `Contoso <no-reply@contoso.example>`: exactly one
   * address. A client's sender name may replace the display name, never the address.
   */
  from: z.string().transform((value, ctx) => {
    const parsed = addressparser(value, { flatten: true });
    const [sender] = parsed;
    if (parsed.length === 1 && sender !== undefined && /^[^@\s]+@[^@\s]+$/.test(sender.address))
      return sender;
    ctx.addIssue({
      code: 'custom',
      message: 'must be one email address, e.g. "Contoso <no-reply@contoso.example>"',
    });
    return z.NEVER;
  }),
  /** Sign every message with DKIM for this domain (unset: unsigned). */
  dkim: dkimConfigSchema.optional(),
  /** Keep connections open between messages (worth it above a few messages a second). */
  pool: z.boolean().default(false),
  timeoutMs,
});
export type SmtpEmailConfig = z.input<typeof smtpEmailConfigSchema>;

/**
 * Email over SMTP with nodemailer: the rendered subject, text and HTML parts (the HTML is
 * self-contained and carries no link unless the client configured a help URL), from the configured
 * address under the client's sender name when it has one, DKIM-signed when configured, and the
 * reference in a header so bounces can be traced to the verification. SMTP acceptance is all we
 * learn: email has no delivery receipt.
 */
export function createSmtpEmail(input: SmtpEmailConfig): Channel<'email'> {
  const config = parseConfig('smtp email', smtpEmailConfigSchema, input);
  const transport = createTransport({
    url: config.url,
    pool: config.pool,
    connectionTimeout: config.timeoutMs,
    greetingTimeout: config.timeoutMs,
    socketTimeout: config.timeoutMs,
    ...(config.dkim === undefined ? {} : { dkim: config.dkim }),
  });
  return {
    channel: 'email',
    provider: 'smtp',
    async send({ to, message, reference }) {
      try {
        const info = await transport.sendMail({
          from: { name: message.fromName ?? config.from.name, address: config.from.address },
          to,
          subject: message.subject,
          text: message.text,
          html: message.html,
          headers: { 'X-Sendcode-Reference': reference },
        });
        return { providerMessageId: info.messageId };
      } catch (error) {
        throw smtpDeliveryError(error);
      }
    },
    async close() {
      transport.close();
    },
  };
}
