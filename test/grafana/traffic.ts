import type { TestSystem } from '../helpers/system.ts';

/**
 * Traffic that moves every panel of the dashboards: approved codes by email, SMS and voice (with
 * delivered receipts), wrong codes, a provider outage (Twilio SMS answering 503, so Vonage takes over),
 * a carrier refusing mail (permanent error, failover to SMS), an unsigned webhook, an unknown route,
 * an unknown verification and a request without a key.
 * Destinations are fake and distinct per run of this function; returns what was started.
 */
export async function driveTraffic(system: TestSystem): Promise<{ started: number }> {
  const run = Date.now() % 100_000;
  // 090-1RRR-RRNN and 03-5RRR-RR01: valid for any run (090-0… and 03-0… are not numbers).
  const phone = (n: number) => `+81901${String(run).padStart(5, '0')}${String(n).padStart(2, '0')}`;
  const starts = [
    { to: `taro.${run}@example.com` },
    { to: `jiro.${run}@example.com` },
    { to: phone(1) },
    { to: `+8135${String(run).padStart(5, '0')}01`, channel: 'voice' },
    { to: `hanako.${run}@docomo.ne.jp`, fallbacks: [{ to: phone(2), channel: 'sms' }] },
  ];
  await system.fault({ provider: 'twilio', channel: 'sms', mode: 'error', status: 503 });
  const created = await Promise.all(starts.map((body) => system.api('POST', '/v1/verifications', body)));
  for (const [index, response] of created.entries()) {
    if (response.status !== 201) throw new Error(`start ${index} answered ${response.status}`);
  }

  // Where each code ends up: the docomo one is refused by the carrier and goes by SMS instead.
  const destinations = [starts[0]?.to, starts[1]?.to, phone(1), starts[3]?.to, phone(2)];
  await Promise.all(
    created.map(async (response, index) => {
      const to = destinations[index];
      if (!to) return;
      const [message] = await system.messagesFor(to);
      if (!message?.code) throw new Error(`no code arrived for start ${index}`);
      const path = `/v1/verifications/${response.body.id}/checks`;
      // A wrong code first on two of them, so checks show both results.
      if (index % 2 === 0) await system.api('POST', path, { code: wrongCode(message.code) });
      const check = await system.api('POST', path, { code: message.code });
      if (check.body?.status !== 'approved') throw new Error(`start ${index} not approved`);
    }),
  );
  await system.api('POST', '/webhooks/twilio/status', 'MessageStatus=delivered', null);
  await system.api('GET', '/no-such-route', undefined, null);
  // Errors raised inside the /v1 router are answered by the app's error handler: still templated.
  await system.api('GET', '/v1/verifications/ver_missing');
  await system.api('POST', '/v1/verifications', { to: 'nobody@example.com' }, null);
  return { started: starts.length };
}

function wrongCode(code: string): string {
  return code.replace(/\d$/, (digit) => String((Number(digit) + 1) % 10));
}
