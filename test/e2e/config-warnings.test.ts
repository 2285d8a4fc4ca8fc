import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { settingsFile } from '../helpers/settings.ts';
import { startTestSystem, type TestSystem } from '../helpers/system.ts';

/**
 * Accounts no test fixture knows, so the gateway and the workers take them for real providers;
 * the URLs still point the clients at the test's sandbox, so nothing leaves the machine.
 */
const realLooking = () => ({
  TWILIO_ACCOUNT_SID: `AC${randomBytes(16).toString('hex')}`,
  VONAGE_API_KEY: randomBytes(4).toString('hex'),
});

async function exposure(url: string): Promise<number | undefined> {
  const metrics = await (await fetch(`${url}/metrics`)).text();
  const line = /^sendcode_config_warnings\{warning="toll_fraud_exposure"\} (\d+)$/m.exec(metrics);
  return line ? Number(line[1]) : undefined;
}

async function withSystem(overrides: Record<string, string>, body: (system: TestSystem) => Promise<void>) {
  const system = await startTestSystem(overrides);
  try {
    await body(system);
  } finally {
    await system.close();
  }
}

const both = async (system: TestSystem) => [
  await exposure(system.workers.url),
  await exposure(system.gateway.url),
];

describe('sendcode_config_warnings{warning="toll_fraud_exposure"} on the workers and the gateway', () => {
  it('is 1 with real provider accounts, no country list and no spend cap (and codes still go out)', async () => {
    await withSystem(realLooking(), async (system) => {
      expect(await both(system)).toEqual([1, 1]);
      const to = '+819012349901';
      expect((await system.api('POST', '/v1/verifications', { to })).status).toBe(201);
      expect(await system.messagesFor(to)).toHaveLength(1);
    });
  });

  it('is 1 when the defaults are capped but one client lifts the cap', async () => {
    const SENDCODE_SETTINGS = settingsFile({
      dailySpendCap: 100,
      clients: { acme: { dailySpendCap: null } },
    });
    await withSystem({ ...realLooking(), SENDCODE_SETTINGS }, async (system) => {
      expect(await both(system)).toEqual([1, 1]);
    });
  });

  it('is 0 once allowedCountries is set', async () => {
    const SENDCODE_SETTINGS = settingsFile({ fraud: { allowedCountries: ['JP', 'US'] } });
    await withSystem({ ...realLooking(), SENDCODE_SETTINGS }, async (system) => {
      expect(await both(system)).toEqual([0, 0]);
    });
  });

  it('is 0 once dailySpendCap is set', async () => {
    await withSystem(
      { ...realLooking(), SENDCODE_SETTINGS: settingsFile({ dailySpendCap: 50 }) },
      async (system) => {
        expect(await both(system)).toEqual([0, 0]);
      },
    );
  });

  it('is 0 with the sandbox’s own placeholder accounts, which no provider can bill', async () => {
    await withSystem({}, async (system) => {
      expect(await both(system)).toEqual([0, 0]);
    });
  });
});
