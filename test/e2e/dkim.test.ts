import { generateKeyPairSync } from 'node:crypto';
import { type ApiEvent, eventually, types } from '@sendcode/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSystem, type TestSystem } from '../helpers/system.ts';

const pair = () => generateKeyPairSync('rsa', { modulusLength: 2048 });
const pem = (key: ReturnType<typeof pair>) => ({
  private: key.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  public: key.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
});
const signing = (privateKey: string) => ({
  DKIM_DOMAIN: 'sendcode.test',
  DKIM_SELECTOR: 'sc1',
  // On one line, as a .env file or a container's environment holds it.
  DKIM_PRIVATE_KEY: privateKey.replaceAll('\n', '\\n'),
});

describe('DKIM through the whole system', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem(signing(pem(pair()).private));
  });
  afterAll(() => system.close());

  it('a verification’s email arrives signed (dkim pass), and its code checks', async () => {
    const created = await system.api('POST', '/v1/verifications', { to: 'taro@example.com' });
    expect(created.status).toBe(201);
    const [mail] = await system.messagesFor('taro@example.com');
    expect(mail).toMatchObject({ channel: 'email', provider: 'smtp', dkim: 'pass' });
    const check = await system.api('POST', `/v1/verifications/${created.body.id}/checks`, {
      code: mail?.code,
    });
    expect(check.body).toMatchObject({ valid: true, status: 'approved' });
  });

  it('signed mail passes a carrier that refuses unsigned mail', async () => {
    await system.fault({ provider: 'smtp', channel: 'email', mode: 'require_dkim' });
    await system.api('POST', '/v1/verifications', { to: 'jiro@example.com' });
    expect(await system.messagesFor('jiro@example.com')).toMatchObject([{ dkim: 'pass' }]);
  });
});

describe('DKIM with a key the receiver cannot verify', () => {
  let system: TestSystem;
  beforeAll(async () => {
    // The workers sign with one key; the published record (the sandbox's) holds another.
    system = await startTestSystem({ ...signing(pem(pair()).private), DKIM_PUBLIC_KEY: pem(pair()).public });
  });
  afterAll(() => system.close());

  it('is refused 550 by a carrier that requires DKIM: a permanent error, and the SMS fallback carries the code', async () => {
    await system.fault({ provider: 'smtp', channel: 'email', mode: 'require_dkim' });
    const created = await system.api('POST', '/v1/verifications', {
      to: 'hanako@example.com',
      fallbacks: [{ to: '+819012349001', channel: 'sms' }],
    });
    const [sms] = await system.messagesFor('+819012349001');
    expect(sms).toMatchObject({ channel: 'sms' });
    expect(system.sandbox.messages().filter((m) => m.channel === 'email')).toEqual([]);
    const body = await eventually(
      async () => (await system.api('GET', `/v1/verifications/${created.body.id}`)).body,
      (view) => types(view.timeline).includes('sent'),
    );
    expect(body.timeline.find((e: ApiEvent) => e.type === 'send_failed')).toMatchObject({
      channel: 'email',
      detail: { kind: 'permanent', providerCode: '550' },
    });
    expect(body.timeline.find((e: ApiEvent) => e.type === 'failover')).toMatchObject({
      detail: { reason: 'permanent_error' },
    });
  });
});
