/**
 * outage: steady SMS starts (BENCH_OUTAGE_RATE/s for BENCH_OUTAGE_SECONDS); a third of the way in,
 * the sandbox's Twilio SMS API answers every request with a 503. Measures the seconds from the fault
 * to the first SMS received through Vonage, the seconds until Twilio is no longer even tried (its
 * circuit opened), and the p95 accept→provider time of the starts made during the outage.
 */
import { startedId, startRequest } from '../lib/api.ts';
import { CONFIG } from '../lib/config.ts';
import { load } from '../lib/load.ts';
import type { ScenarioResult } from '../lib/result.ts';
import { quantile, round, sleep, waitUntil } from '../lib/stats.ts';
import type { BenchSystem } from '../lib/system.ts';

export async function outageScenario(system: BenchSystem): Promise<ScenarioResult> {
  await system.reset();
  const acceptedAt = new Map<string, number>();
  let faultAt = 0;
  let lastTwilioTry = 0;
  let twilioTries = 0;
  const faultTimer = setTimeout(
    () => {
      faultAt = Date.now();
      system.sandbox.addFault({ provider: 'twilio', channel: 'sms', mode: 'error', status: 503 });
      twilioTries = system.sandbox.requests()['twilio:sms'];
    },
    (CONFIG.outageSeconds * 1000) / 3,
  );
  // Samples Twilio's request count to see when the workers stop calling it.
  const sampler = setInterval(() => {
    const tries = system.sandbox.requests()['twilio:sms'];
    if (faultAt > 0 && tries > twilioTries) lastTwilioTry = Date.now();
    twilioTries = tries;
  }, 50);
  const run = await load({
    ...startRequest(system),
    connections: CONFIG.connections,
    seconds: CONFIG.outageSeconds,
    rate: CONFIG.outageRate,
    onResponse(status, body, sent) {
      if (startedId(status, body)) acceptedAt.set(String(sent.body.to), Date.now());
    },
  });
  clearTimeout(faultTimer);
  await waitUntil(() => system.sandbox.messages().length >= acceptedAt.size, 120_000, 100);
  await sleep(200);
  clearInterval(sampler);
  const messages = system.sandbox.messages();
  const firstVonage = messages.find((m) => m.provider === 'vonage' && Date.parse(m.receivedAt) >= faultAt);
  const during: number[] = [];
  for (const message of messages) {
    const at = acceptedAt.get(message.to);
    if (at !== undefined && at >= faultAt) during.push(Date.parse(message.receivedAt) - at);
  }
  const received = new Set(messages.map((m) => m.to));
  const lost = [...acceptedAt.keys()].filter((to) => !received.has(to)).length;
  await system.reset();
  return {
    name: 'outage',
    figures: {
      'starts/s': round(run.rps, 0),
      's to first Vonage SMS': firstVonage
        ? round((Date.parse(firstVonage.receivedAt) - faultAt) / 1000, 3)
        : 'never',
      's until Twilio no longer tried': lastTwilioTry ? round((lastTwilioTry - faultAt) / 1000, 2) : 'n/a',
      'p95 accept→provider ms (outage)': quantile(during, 0.95),
      'p50 accept→provider ms (outage)': quantile(during, 0.5),
      'not delivered': lost,
    },
  };
}
