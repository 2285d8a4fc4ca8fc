import { configWarnings, DEFAULT_SETTINGS, TOLL_FRAUD_MESSAGE } from '@sendcode/policy';
import { createLogger } from '@sendcode/runtime';
import { Registry } from 'prom-client';
import { describe, expect, it, vi } from 'vitest';
import { reportConfigWarnings } from './config-warnings.ts';

const real = [{ provider: 'twilio', channel: 'sms', account: 'AC0123456789abcdef0123456789abcdef' }] as const;

function report(warnings: ReturnType<typeof configWarnings>) {
  const registry = new Registry();
  const logger = createLogger('test', 'silent');
  const warn = vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
  reportConfigWarnings(registry, logger, warnings);
  return { registry, warn };
}

describe('reportConfigWarnings', () => {
  it('logs a warning in plain words and sets its gauge to 1', async () => {
    const { registry, warn } = report(configWarnings(DEFAULT_SETTINGS, real));
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenCalledWith(
      { warning: 'toll_fraud_exposure', channels: ['sms'], defaults: true, clients: [] },
      TOLL_FRAUD_MESSAGE,
    );
    expect(await registry.metrics()).toContain('sendcode_config_warnings{warning="toll_fraud_exposure"} 1');
  });

  it('logs nothing and exports 0 for every known warning when none holds', async () => {
    const { registry, warn } = report([]);
    expect(warn).not.toHaveBeenCalled();
    expect(await registry.metrics()).toContain('sendcode_config_warnings{warning="toll_fraud_exposure"} 0');
  });
});
