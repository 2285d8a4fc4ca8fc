import {
  cancelResult,
  checkBody,
  checkByDestinationBody,
  checkResult,
  createVerificationBody,
  errorBody,
  resendBody,
  verificationId,
  verificationView,
} from '@sendcode/contract';
import type { RequestHandler } from 'express';
import { z } from 'zod';

/**
 * The OpenAPI 3.1 document of the native API, generated from the schemas of `@sendcode/contract`
 * that the routes validate with (`z.toJSONSchema`, JSON Schema 2020-12 = OpenAPI 3.1's dialect), so
 * the contract is written once. Request schemas are the input side (`io: 'input'`): what a caller may
 * send. One small builder per path below; this function only puts them together.
 */
export function openApiDocument(serverUrl?: string) {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Sendcode native API',
      version: '1',
      description:
        'One-time codes by email, SMS and voice. Errors are {"error":{"code","message","details"?}}; ' +
        'every 429 carries Retry-After. A Twilio Verify v2-compatible API is served under /v2 (see README).',
    },
    ...(serverUrl === undefined ? {} : { servers: [{ url: serverUrl }] }),
    components: components(),
    paths: {
      '/v1/verifications': { post: createOperation() },
      '/v1/verifications/check': { post: checkByDestinationOperation() },
      '/v1/verifications/{id}': { get: getOperation() },
      '/v1/verifications/{id}/checks': { post: checkOperation() },
      '/v1/verifications/{id}/resend': { post: resendOperation() },
      '/v1/verifications/{id}/cancel': { post: cancelOperation() },
    },
  };
}

/** `GET /openapi.json`, no auth. Built once: the schemas do not change at runtime. */
export function serveOpenApi(publicUrl: string): RequestHandler {
  const document = JSON.stringify(openApiDocument(publicUrl));
  return (_req, res) => {
    res.type('application/json').send(document);
  };
}

function components() {
  return {
    schemas: {
      CreateVerification: jsonSchema(createVerificationBody),
      Check: jsonSchema(checkBody),
      CheckByDestination: jsonSchema(checkByDestinationBody),
      Resend: jsonSchema(resendBody),
      Verification: jsonSchema(verificationView),
      CheckResult: jsonSchema(checkResult),
      CancelResult: jsonSchema(cancelResult),
      Error: jsonSchema(errorBody),
    },
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'A Sendcode API key.' } },
    parameters: {
      id: { name: 'id', in: 'path', required: true, schema: jsonSchema(verificationId) },
    },
  };
}

/** Every native route takes an API key with scope `verify`. */
const verify = [{ bearer: [] }];
/** The `{id}` path parameter, declared once in `components`. */
const byId = [{ $ref: '#/components/parameters/id' }];

function createOperation() {
  return {
    operationId: 'createVerification',
    summary: 'Send a code (a start for a pending destination and purpose resends that one).',
    security: verify,
    parameters: [
      {
        name: 'Idempotency-Key',
        in: 'header',
        required: false,
        description: 'Replays the first answer for 24 h.',
        schema: { type: 'string', maxLength: 255 },
      },
    ],
    requestBody: body('CreateVerification'),
    responses: {
      '201': ok('Verification', 'Started.'),
      '200': ok('Verification', 'Resumed: the pending verification was sent again.'),
      ...errors(400, 401, 403, 409, 422, 429, 503),
    },
  };
}

function checkByDestinationOperation() {
  return {
    operationId: 'checkByDestination',
    summary:
      "Check a code against the caller's pending (or approved) verification for a destination and " +
      'purpose. A wrong code against an approved one answers 404, like nothing pending.',
    security: verify,
    requestBody: body('CheckByDestination'),
    responses: { '200': ok('CheckResult', 'Checked.'), ...errors(400, 401, 403, 404) },
  };
}

function getOperation() {
  return {
    operationId: 'getVerification',
    summary: 'State and masked timeline.',
    security: verify,
    parameters: byId,
    responses: { '200': ok('Verification', 'The verification.'), ...errors(401, 403, 404) },
  };
}

function checkOperation() {
  return {
    operationId: 'checkVerification',
    summary:
      'Check a code. A wrong code is valid=false, not an error, except against an approved ' +
      'verification (or the right code once its attempts are used up): 409 verification_not_pending.',
    security: verify,
    parameters: byId,
    requestBody: body('Check'),
    responses: { '200': ok('CheckResult', 'Checked.'), ...errors(400, 401, 403, 404, 409) },
  };
}

function resendOperation() {
  return {
    operationId: 'resendVerification',
    summary: 'Send the same code again, on another channel of the plan if asked.',
    security: verify,
    parameters: byId,
    requestBody: { ...body('Resend'), required: false },
    responses: { '202': ok('Verification', 'Queued.'), ...errors(400, 401, 403, 404, 409, 429, 503) },
  };
}

function cancelOperation() {
  return {
    operationId: 'cancelVerification',
    summary: 'Cancel a pending verification; a final one is left as it is.',
    security: verify,
    parameters: byId,
    responses: { '200': ok('CancelResult', 'The status after.'), ...errors(401, 403, 404) },
  };
}

function jsonSchema(schema: z.ZodType) {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
  return rest;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

function body(name: string) {
  return { required: true, content: { 'application/json': { schema: ref(name) } } };
}

function ok(name: string, description: string) {
  return { description, content: { 'application/json': { schema: ref(name) } } };
}

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid request (validation_failed, invalid_destination, invalid_code_format...).',
  401: 'Missing or invalid API key.',
  403: 'The key lacks the scope, or the destination is blocked.',
  404: 'No such verification (or not this client’s).',
  409: 'Not pending (over for a resend or a check), the Idempotency-Key is in use, or the same verification is being created by a concurrent start.',
  422: 'Idempotency-Key reused with another body.',
  429: 'A limit: see Retry-After.',
  503: 'Redis is unavailable, or with durable accept the writes did not reach a replica (the code may be on its way); retry after Retry-After.',
};

function errors(...statuses: number[]) {
  return Object.fromEntries(
    statuses.map((status) => [
      String(status),
      {
        description: ERROR_DESCRIPTIONS[status] ?? 'Error.',
        ...(status === 429 || status === 503
          ? { headers: { 'Retry-After': { schema: { type: 'integer', minimum: 1 } } } }
          : {}),
        content: { 'application/json': { schema: ref('Error') } },
      },
    ]),
  );
}
