import { createHash, createHmac, randomUUID } from 'node:crypto';

/**
 * `sig` of a signed Vonage SMS webhook (SHA-256 HMAC variant): upper-case hex HMAC, keyed with the
 * account's signature secret, of `&name=value` for every parameter but `sig`, sorted by name, with
 * `&` and `=` in values replaced by `_` (https://developer.vonage.com/en/getting-started/concepts/signing-messages).
 */
export function vonageSmsSignature(params: Readonly<Record<string, string>>, secret: string): string {
  const signed = Object.entries(params)
    .filter(([name]) => name !== 'sig')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => `&${name}=${value.replace(/[&=]/g, '_')}`)
    .join('');
  return createHmac('sha256', secret).update(signed, 'utf8').digest('hex').toUpperCase();
}

/**
 * The `Authorization: Bearer` token of a signed Vonage Voice webhook: an HS256 JWT, keyed with the
 * signature secret, whose `payload_hash` is the SHA-256 of the exact body bytes
 * (https://developer.vonage.com/en/getting-started/concepts/webhooks#validating-signed-webhooks).
 */
export function vonageWebhookToken(
  body: string,
  secret: string,
  account: { apiKey: string; applicationId: string },
): string {
  const claims = {
    iat: Math.floor(Date.now() / 1000),
    jti: randomUUID(),
    iss: 'Vonage',
    payload_hash: createHash('sha256').update(body, 'utf8').digest('hex'),
    api_key: account.apiKey,
    application_id: account.applicationId,
  };
  const unsigned = `${base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${base64url(JSON.stringify(claims))}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}

/** A string claim of a JWT, read without checking the signature (the sandbox trusts its clients). */
export function unverifiedClaim(token: string, name: string): string | undefined {
  const payload = token.split('.')[1];
  if (payload === undefined) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    const value = typeof claims === 'object' && claims !== null ? Reflect.get(claims, name) : undefined;
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

function base64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}
