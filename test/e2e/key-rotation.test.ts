import { randomBytes } from 'node:crypto';
import { gatewayEnv, type RunningGateway, startGateway } from '@sendcode/gateway';
import { createLogger, parseEnv } from '@sendcode/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSystem, type TestSystem } from '../helpers/system.ts';

/**
 * A check after the secret rotated: a code hashed under the previous secret is compared under it,
 * one hashed under the new one under that, and neither key's hash of a wrong code passes. The system
 * runs rotated; a gateway still on the old secret alone starts the verification of before.
 */
describe('checks across a key rotation', () => {
  const old = randomBytes(32).toString('hex');
  let system: TestSystem;
  let before: RunningGateway;
  beforeAll(async () => {
    const secret = randomBytes(32).toString('hex');
    system = await startTestSystem({ SENDCODE_SECRET: secret, SENDCODE_PREVIOUS_SECRETS: old });
    const env = { ...system.env, SENDCODE_SECRET: old, SENDCODE_PREVIOUS_SECRETS: '' };
    before = await startGateway(parseEnv(gatewayEnv, env), createLogger('test', 'silent'));
  });
  afterAll(async () => {
    await before.close();
    await system.close();
  });

  const call = async (gateway: string, path: string, body: unknown) => {
    const response = await fetch(`${gateway}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${system.verifyKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  /** Starts a verification through `gateway` and answers its id and the code the user got. */
  const started = async (gateway: string, to: string) => {
    const created = await call(gateway, '/v1/verifications', { to });
    expect(created.status).toBe(201);
    const [mail] = await system.messagesFor(to);
    return { id: String(created.body.id), code: String(mail?.code) };
  };

  const wrong = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

  it('checks a code of before the rotation, and one of after it', async () => {
    for (const [gateway, to] of [
      [before.url, 'before@example.com'],
      [system.gateway.url, 'after@example.com'],
    ] as const) {
      const { id, code } = await started(gateway, to);
      const checks = `/v1/verifications/${id}/checks`;
      const miss = await call(system.gateway.url, checks, { code: wrong(code) });
      expect(miss.body).toMatchObject({ valid: false, status: 'pending', remainingAttempts: 4 });
      const hit = await call(system.gateway.url, checks, { code });
      expect(hit).toMatchObject({ status: 200, body: { valid: true, status: 'approved' } });
    }
  });
});
