import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { z } from 'zod';
import { ApiError } from './errors.ts';

export const SCOPES = ['verify', 'support'] as const;
export type Scope = (typeof SCOPES)[number];

export const apiKeysSchema = z
  .array(
    z.object({
      name: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'client names are 1-64 of A-Z a-z 0-9 _ . -'),
      key: z.string().min(24, 'API keys must be at least 24 characters'),
      scopes: z.array(z.enum(SCOPES)).min(1),
    }),
  )
  .min(1, 'at least one API key is required');
export type ApiKeyConfig = z.infer<typeof apiKeysSchema>[number];

/** The authenticated caller, set on `res.locals.client` by `requireScope`. */
export interface ApiClient {
  readonly name: string;
  readonly scopes: readonly Scope[];
}

/**
 * Finds the client an API key belongs to. Keys are compared as SHA-256 digests with `timingSafeEqual`,
 * against every configured key, so neither the length nor the position of a mismatch leaks through
 * timing. Shared by Bearer auth here and the Twilio-compatible API's Basic auth.
 */
export function createKeyLookup(keys: readonly ApiKeyConfig[]): (key: string) => ApiClient | undefined {
  const entries = keys.map((k) => ({ digest: sha256(k.key), client: { name: k.name, scopes: k.scopes } }));
  return (key) => {
    const digest = sha256(key);
    let found: ApiClient | undefined;
    for (const entry of entries) if (timingSafeEqual(entry.digest, digest)) found = entry.client;
    return found;
  };
}

/** Bearer-key authentication: `requireScope(scope)` sets `res.locals.client` or throws 401/403. */
export function createAuthenticator(keys: readonly ApiKeyConfig[]) {
  const lookup = createKeyLookup(keys);

  function authenticate(header: string | undefined): ApiClient | undefined {
    // The scheme is case-insensitive (RFC 9110 §11.1); the key is not.
    const match = /^bearer ([\x21-\x7e]{1,512})$/i.exec(header ?? '');
    return match?.[1] ? lookup(match[1]) : undefined;
  }

  return function requireScope(scope: Scope): RequestHandler {
    return (req, res, next) => {
      const client = authenticate(req.get('authorization'));
      if (!client) {
        res.set('WWW-Authenticate', 'Bearer');
        throw new ApiError('unauthorized');
      }
      if (!client.scopes.includes(scope)) {
        throw new ApiError('forbidden', `This API key lacks the "${scope}" scope.`);
      }
      res.locals.client = client;
      next();
    };
  };
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
