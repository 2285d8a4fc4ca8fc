import { createHash, createHmac, randomUUID } from 'node:crypto';

/**
 * Signing the way Vonage does, for tests that forge, tamper with or replay webhooks. (Twilio's is
 * `twilio.getExpectedTwilioSignature`, from the twilio package itself.)
 */

/** Vonage signed-webhook `sig`: HMAC-SHA256 over `&key=value` pairs sorted by key, `&` and `=` in values as `_`. */
export function vonageSig(params: Readonly<Record<string, string>>, secret: string): string {
  const query = Object.keys(params)
    .filter((key) => key !== 'sig')
    .sort()
    .map((key) => `&${key}=${(params[key] ?? '').replace(/[&=]/g, '_')}`)
    .join('');
  return createHmac('sha256', secret).update(query).digest('hex');
}

/** A Vonage voice-event JWT (HS256) for `body`, with claims that can be overridden to tamper. */
export function vonageJwt(body: string, secret: string, claims: Record<string, unknown> = {}): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const payload = {
    iat: Math.floor(Date.now() / 1000),
    jti: randomUUID(),
    iss: 'Vonage',
    payload_hash: createHash('sha256').update(body).digest('hex'),
    ...claims,
  };
  const unsigned = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(payload)}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}
