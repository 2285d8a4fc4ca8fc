/**
 * peer: the same SMS volume sent through notifme-sdk (fallback strategy, Twilio provider) to the same
 * sandbox, at the same concurrency, from this process. notifme-sdk hard-codes
 * `https://api.twilio.com/...` and posts multipart form data; lib/notifme-shim.ts reroutes those
 * requests to the sandbox over plain HTTP, inside this process only.
 */
import { createRequire } from 'node:module';
import { CONFIG } from '../lib/config.ts';
import { routeTwilioToSandbox } from '../lib/notifme-shim.ts';
import { type ScenarioResult, target } from '../lib/result.ts';
import { nextPhone, round } from '../lib/stats.ts';
import type { BenchSystem } from '../lib/system.ts';

/** The part of notifme-sdk (untyped CommonJS; its class is `module.exports.default`) used here. */
interface Notifme {
  send(request: {
    sms: { from: string; to: string; text: string };
  }): Promise<{ status: 'success' | 'error'; errors?: Record<string, unknown> }>;
}
type NotifmeOptions = {
  channels: {
    sms: {
      multiProviderStrategy: 'fallback';
      providers: ReadonlyArray<{ type: 'twilio'; accountSid: string; authToken: string }>;
    };
  };
};
const NotifmeSdk = (
  createRequire(import.meta.url)('notifme-sdk') as { default: new (options: NotifmeOptions) => Notifme }
).default;

export async function notifmePerSecond(
  system: BenchSystem,
  n: number,
): Promise<{ perSecond: number; failed: number }> {
  await system.reset();
  const restore = routeTwilioToSandbox(system.sandbox.httpUrl);
  try {
    const sdk = new NotifmeSdk({
      channels: {
        sms: {
          multiProviderStrategy: 'fallback',
          providers: [
            {
              type: 'twilio',
              accountSid: String(system.env.TWILIO_ACCOUNT_SID),
              authToken: String(system.env.TWILIO_AUTH_TOKEN),
            },
          ],
        },
      },
    });
    let next = 0;
    let failed = 0;
    const deadline = Date.now() + 300_000;
    const start = Date.now();
    const sender = async () => {
      while (next < n && Date.now() < deadline) {
        next++;
        const result = await sdk.send({
          sms: { from: '+15005550006', to: nextPhone(), text: 'Your code is 123456' },
        });
        if (result.status !== 'success') failed++;
      }
    };
    await Promise.all(Array.from({ length: CONFIG.connections }, sender));
    const received = system.sandbox.messages().length;
    return { perSecond: received / ((Date.now() - start) / 1000), failed };
  } finally {
    restore();
    await system.reset();
  }
}

export function peerResult(ours: number, notifme: { perSecond: number; failed: number }): ScenarioResult {
  const ratio = round(ours / notifme.perSecond, 3);
  return {
    name: 'peer',
    figures: {
      'notifme-sdk sends/s': round(notifme.perSecond, 0),
      'notifme-sdk failed': notifme.failed,
      'our deliveries/s': round(ours, 0),
      'ratio (target ≥ 1)': ratio,
      'ratio: target': target(ratio, 1, 'at least'),
    },
  };
}
