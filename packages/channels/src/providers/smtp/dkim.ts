import { createPrivateKey } from 'node:crypto';
import { z } from 'zod';

/**
 * DKIM signing of outgoing mail (nodemailer's `dkim` option): every message carries a
 * DKIM-Signature for `domainName`, which receivers check against the public key published at
 * `<keySelector>._domainkey.<domainName>`. Japanese carriers filter spoofed mail by SPF and DKIM
 * (なりすまし規制) and large mailboxes file unsigned mail as spam, so a production sender wants it.
 */
export const dkimConfigSchema = z.object({
  domainName: z.hostname({ error: 'must be a domain name, e.g. "contoso.example"' }),
  keySelector: z
    .string()
    .regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i, {
      error: 'must be a DNS label, e.g. "sendcode1"',
    }),
  /**
   * PEM, PKCS#1 or PKCS#8. Checked here because nodemailer, when it cannot sign with the key, sends
   * the message unsigned without a word: a bad key would only show as mail landing in spam.
   */
  privateKey: z.string().refine(isRsaPrivateKey, {
    error: 'must be an RSA private key in PEM of at least 1024 bits (2048 recommended)',
  }),
});
export type DkimConfig = z.input<typeof dkimConfigSchema>;

function isRsaPrivateKey(pem: string): boolean {
  try {
    const key = createPrivateKey(pem);
    return key.asymmetricKeyType === 'rsa' && (key.asymmetricKeyDetails?.modulusLength ?? 0) >= 1024;
  } catch {
    return false;
  }
}

/**
 * Whether a signature for `signingDomain` can align with the From address for DMARC: the same
 * domain, or one a subdomain of the other (relaxed alignment). `from` is a sender as the adapter
 * takes it, `Name <address>` or a bare address. Without the public suffix list this misses siblings
 * (`news.contoso.example` signing for `mail.contoso.example`), so `false` is a reason to warn, not
 * to refuse.
 */
export function dkimAligned(from: string, signingDomain: string): boolean {
  const domain = from
    .slice(from.lastIndexOf('@') + 1)
    .replace(/>\s*$/, '')
    .trim()
    .toLowerCase();
  const signer = signingDomain.toLowerCase().replace(/\.$/, '');
  return domain === signer || domain.endsWith(`.${signer}`) || signer.endsWith(`.${domain}`);
}
