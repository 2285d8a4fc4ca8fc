import { readFileSync } from 'node:fs';
import type { CancelResult, CheckResult, CreateVerificationRequest, Verification } from '@sendcode/client';
import { eventually } from '@sendcode/testing';
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startTestSystem, type TestSystem } from '../helpers/system.ts';

interface JsonSchema {
  readonly properties: Record<string, unknown>;
  readonly required?: readonly string[];
  readonly additionalProperties?: unknown;
}

// biome-ignore lint/suspicious/noExplicitAny: the document is checked field by field
type Json = any;

/**
 * Every field of a client type, marked required or not. A `Record` over `keyof`, so the compiler makes
 * this list complete; the test then compares it with the document's schema.
 */
type Fields<T> = Record<keyof T, boolean>;
const CLIENT_TYPES: Record<string, Fields<unknown>> = {
  Verification: {
    id: true,
    status: true,
    channel: true,
    to: true,
    plan: true,
    purpose: true,
    createdAt: true,
    expiresAt: true,
    remainingAttempts: true,
    sends: true,
    warnings: false,
    timeline: false,
  } satisfies Fields<Verification>,
  CheckResult: { id: true, valid: true, status: true, remainingAttempts: true } satisfies Fields<CheckResult>,
  CancelResult: { id: true, status: true } satisfies Fields<CancelResult>,
  CreateVerification: {
    to: true,
    channel: false,
    fallbacks: false,
    locale: false,
    brand: false,
    purpose: false,
    codeLength: false,
    ttlSeconds: false,
    accountRef: false,
    endUserIp: false,
  } satisfies Fields<CreateVerificationRequest>,
};

describe('OpenAPI document of the native API', () => {
  let system: TestSystem;
  let document: Json;
  beforeAll(async () => {
    system = await startTestSystem();
    await eventually(
      () => fetch(`${system.gateway.url}/readyz`),
      (r) => r.ok,
    );
    const response = await fetch(`${system.gateway.url}/openapi.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/json');
    document = await response.json();
  });
  afterAll(() => system.close());

  it('is a valid OpenAPI 3.1 document (served without auth)', async () => {
    const validator = new Validator();
    const result = await validator.validate(document);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
    expect(document.servers).toEqual([{ url: system.gateway.url }]);
    expect(document.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('documents every native route declared in app.ts', () => {
    const source = readFileSync(new URL('../../apps/gateway/src/app.ts', import.meta.url), 'utf8');
    const routes = [...source.matchAll(/\bv1\.(get|post|put|patch|delete)\('([^']+)'/g)].map(
      ([, method, path]) => [method, `/v1${path?.replace(/:(\w+)/g, '{$1}')}`] as const,
    );
    expect(routes.length).toBeGreaterThanOrEqual(6);
    for (const [method, path] of routes) {
      expect(document.paths[path]?.[method ?? ''], `${method} ${path}`).toBeDefined();
    }
  });

  it('carries the validation rules of the schemas the gateway validates with', () => {
    const create = document.components.schemas.CreateVerification;
    expect(create.required).toEqual(['to']);
    expect(create.additionalProperties).toBe(false);
    expect(create.properties.codeLength).toMatchObject({ type: 'integer', minimum: 4, maximum: 10 });
    expect(create.properties.channel.enum).toEqual(expect.arrayContaining(['sms', 'voice', 'email']));
    expect(document.components.schemas.Error.properties.error.properties.code.enum).toContain('rate_limited');
  });

  it("matches @sendcode/client's types: same fields, same required ones", () => {
    for (const [name, fields] of Object.entries(CLIENT_TYPES)) {
      const schema: JsonSchema = document.components.schemas[name];
      expect(Object.keys(schema.properties).sort(), name).toEqual(Object.keys(fields).sort());
      const required = Object.entries(fields).flatMap(([field, isRequired]) => (isRequired ? [field] : []));
      expect([...(schema.required ?? [])].sort(), name).toEqual(required.sort());
    }
  });

  it('describes what the live gateway answers', async () => {
    const parse = (name: string, value: unknown) =>
      z.fromJSONSchema(document.components.schemas[name]).safeParse(value);
    const created = await system.api('POST', '/v1/verifications', { to: '+819012346001' });
    expect(parse('Verification', created.body).error).toBeUndefined();
    const [sms] = await system.messagesFor('+819012346001');
    const check = await system.api('POST', '/v1/verifications/check', {
      to: '+819012346001',
      code: sms?.code,
    });
    expect(check.body).toMatchObject({ valid: true });
    expect(parse('CheckResult', check.body).error).toBeUndefined();
    const wrong = sms?.code === '000000' ? '111111' : '000000';
    const over = await system.api('POST', `/v1/verifications/${created.body.id}/checks`, { code: wrong });
    expect(over.status).toBe(409);
    expect(document.paths['/v1/verifications/{id}/checks'].post.responses['409']).toBeDefined();
    expect(parse('Error', over.body).error).toBeUndefined();
    const view = await system.api('GET', `/v1/verifications/${created.body.id}`);
    expect(parse('Verification', view.body).error).toBeUndefined();
    const canceled = await system.api('POST', `/v1/verifications/${created.body.id}/cancel`);
    expect(parse('CancelResult', canceled.body).error).toBeUndefined();
    const error = await system.api('POST', '/v1/verifications', { to: 'x' });
    expect(error.status).toBe(400);
    expect(parse('Error', error.body).error).toBeUndefined();
  });
});
