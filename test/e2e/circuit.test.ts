import { type ApiEvent, types } from '@sendcode/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSystem, type TestSystem } from '../helpers/system.ts';

describe('the circuit breaker of a provider API, shared through Redis', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem({
      CIRCUIT_FAILURE_THRESHOLD: '3',
      CIRCUIT_COOLDOWN_SECONDS: '1',
      CIRCUIT_MIN_REQUESTS: '1000',
    });
  });
  afterAll(() => system.close());

  async function deliver(n: number) {
    const to = `+8190123700${String(n).padStart(2, '0')}`;
    const created = await system.api('POST', '/v1/verifications', { to });
    const [sms] = await system.messagesFor(to);
    const view = (await system.api('GET', `/v1/verifications/${created.body.id}`)).body;
    return { provider: sms?.provider, timeline: view.timeline as ApiEvent[] };
  }
  const gauge = async (provider: string) => {
    const metrics = await (await fetch(`${system.workers.url}/metrics`)).text();
    const line = new RegExp(
      `sendcode_provider_circuit_open\\{provider="${provider}",channel="sms"\\} (\\d)`,
    ).exec(metrics);
    return Number(line?.[1]);
  };

  it('opens at its threshold, skips the dead provider without calling it, and closes after it recovers', async () => {
    system.sandbox.addFault({ provider: 'twilio', channel: 'sms', mode: 'error', status: 503 });
    for (let n = 1; n <= 3; n++) expect((await deliver(n)).provider).toBe('vonage');
    expect(system.sandbox.requests()['twilio:sms']).toBe(3);
    expect(await gauge('twilio')).toBe(1);
    expect(await gauge('vonage')).toBe(0);

    for (let n = 4; n <= 5; n++) {
      const { provider, timeline } = await deliver(n);
      expect(provider).toBe('vonage');
      expect(types(timeline)).toContain('circuit_skipped');
      expect(types(timeline)).not.toContain('send_failed');
    }
    expect(system.sandbox.requests()['twilio:sms']).toBe(3);

    system.sandbox.clearFaults();
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect((await deliver(6)).provider).toBe('twilio');
    expect(await gauge('twilio')).toBe(0);
    expect((await deliver(7)).provider).toBe('twilio');
    expect(system.sandbox.requests()['twilio:sms']).toBe(5);
  });
});
