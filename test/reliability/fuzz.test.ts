import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSystem, type TestSystem } from '../helpers/system.ts';

/**
 * Property-based abuse of every endpoint: whatever arrives, the answer is a 4xx in the documented
 * shape — never a 5xx — and nothing changes: no message is sent, the verification under attack keeps
 * its attempts and sends. Runs are bounded (numRuns) so the suite stays quick.
 */
describe('fuzzing every endpoint', () => {
  let system: TestSystem;
  let id: string;
  const RUNS = 60;

  beforeAll(async () => {
    system = await startTestSystem();
    id = (await system.api('POST', '/v1/verifications', { to: 'fuzz-target@example.com' })).body.id;
    await system.messagesFor('fuzz-target@example.com');
  });
  afterAll(() => system.close());

  async function send(
    method: string,
    path: string,
    body: string | undefined,
    headers: Record<string, string>,
  ) {
    const response = await fetch(`${system.gateway.url}${path}`, {
      method,
      headers,
      ...(body === undefined || method === 'GET' ? {} : { body }),
    });
    const text = await response.text();
    return { status: response.status, text };
  }

  const json = { 'content-type': 'application/json' };
  const auth = () => ({ ...json, authorization: `Bearer ${system.verifyKey}` });
  /** A JSON body that cannot be a valid request: anything but an object with only valid-looking fields. */
  const hostileBody = fc.oneof(
    fc.jsonValue().map((value) => JSON.stringify(value)),
    fc.string({ maxLength: 200 }),
    fc
      .dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 2 }))
      .map((value) => JSON.stringify(value)),
  );

  function expectRefused(answer: { status: number; text: string }) {
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.status).toBeLessThan(500);
    const body = JSON.parse(answer.text) as { error?: { code?: unknown; message?: unknown } };
    expect(body.error?.code).toMatch(/^[a-z_]+$/);
    expect(typeof body.error?.message).toBe('string');
  }

  it('POST /v1/verifications with hostile bodies', async () => {
    await fc.assert(
      fc.asyncProperty(hostileBody, async (body) =>
        expectRefused(await send('POST', '/v1/verifications', body, auth())),
      ),
      { numRuns: RUNS },
    );
  });

  it('checks, resends and cancels with hostile bodies and ids', async () => {
    const notACode = hostileBody.filter(
      (body) => !/^\s*\{\s*"code"\s*:\s*"[\s0-9０-９-]*"\s*\}\s*$/.test(body),
    );
    const path = fc.constantFrom(`/v1/verifications/${id}/checks`, `/v1/verifications/${id}/resend`);
    await fc.assert(
      fc.asyncProperty(path, notACode, async (route, body) => {
        const answer = await send('POST', route, body, auth());
        // A resend body that happens to be valid meets the cooldown: still a 4xx.
        expectRefused(answer);
      }),
      { numRuns: RUNS },
    );
    const randomId = fc.string({ minLength: 1, maxLength: 80 }).map(encodeURIComponent);
    await fc.assert(
      fc.asyncProperty(
        randomId,
        fc.constantFrom('', '/checks', '/cancel', '/resend'),
        async (other, suffix) => {
          const method = suffix === '' ? 'GET' : 'POST';
          expectRefused(
            await send(method, `/v1/verifications/${other}${suffix}`, '{"code":"123456"}', auth()),
          );
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('keys: missing, wrong and hostile Authorization headers', async () => {
    const header = fc.oneof(
      fc.constant(''),
      fc.string({ maxLength: 100 }),
      fc.string().map((s) => `Bearer ${s}`),
    );
    await fc.assert(
      fc.asyncProperty(header, async (value) => {
        const headers: Record<string, string> = { ...json };
        if (/^[\t\x20-\x7e]*$/.test(value) && value !== '') headers.authorization = value;
        const answer = await send('POST', '/v1/verifications', '{"to":"someone@example.com"}', headers);
        expect(answer.status).toBe(401);
        expectRefused(answer);
      }),
      { numRuns: RUNS },
    );
  });

  it('webhooks: forged receipts with random fields and signatures', async () => {
    const form = fc.dictionary(fc.string({ minLength: 1, maxLength: 10 }), fc.string({ maxLength: 40 }));
    const signature = fc.string({ maxLength: 60 }).filter((s) => /^[\x21-\x7e]*$/.test(s));
    await fc.assert(
      fc.asyncProperty(
        form,
        signature,
        fc.constantFrom('twilio/status', 'vonage/sms', 'vonage/voice'),
        async (fields, sig, hook) => {
          const body = new URLSearchParams(fields).toString();
          const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
          if (sig) {
            headers['x-twilio-signature'] = sig;
            headers.authorization = `Bearer ${sig}`;
          }
          expectRefused(await send('POST', `/webhooks/${hook}?ref=${id}.1`, body, headers));
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('unknown routes and methods', async () => {
    const path = fc.webPath().filter((p) => !p.startsWith('/v1/verifications') && !p.startsWith('/webhooks'));
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH'),
        path,
        async (method, route) => {
          const answer = await send(method, route.startsWith('/') ? route : `/${route}`, '{}', auth());
          if (answer.status >= 200 && answer.status < 300) return; // /healthz, /metrics, /console, /openapi.json...
          expect(answer.status).toBeLessThan(500);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('after all that, nothing changed', async () => {
    const view = (await system.api('GET', `/v1/verifications/${id}`)).body;
    expect(view).toMatchObject({ status: 'pending', remainingAttempts: 5, sends: 1 });
    expect(system.sandbox.messages()).toHaveLength(1);
  });
});
