import { CONFIG_WARNINGS, type ConfigWarning } from '@sendcode/policy';
import type { Logger } from '@sendcode/runtime';
import { Gauge, type Registry } from 'prom-client';

/**
 * Reports the configuration warnings a process judged at boot (`configWarnings` of
 * @sendcode/policy) where an operator and an SRE will each see them: one warn line per warning, and
 * `sendcode_config_warnings{warning}` on the process's registry — 1 while a warning holds, 0 for
 * every other known one, so the alert keeps it in view long after the boot log has scrolled away.
 * Settings are read once at boot, so the values only change with a restart.
 */
export function reportConfigWarnings(
  registry: Registry,
  logger: Logger,
  warnings: readonly ConfigWarning[],
): void {
  const gauge = new Gauge({
    name: 'sendcode_config_warnings',
    help: '1 while a configuration warning holds (see the boot log), e.g. toll_fraud_exposure: real SMS/voice providers, no country list and no daily spend cap.',
    labelNames: ['warning'],
    registers: [registry],
  });
  for (const name of CONFIG_WARNINGS) gauge.set({ warning: name }, 0);
  for (const { message, ...details } of warnings) {
    gauge.set({ warning: details.warning }, 1);
    logger.warn(details, message);
  }
}
