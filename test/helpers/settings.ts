import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Writes a settings file (SENDCODE_SETTINGS) for one test system and returns its path. */
export function settingsFile(settings: unknown): string {
  const path = join(mkdtempSync(join(tmpdir(), 'sendcode-settings-')), 'settings.json');
  writeFileSync(path, JSON.stringify(settings));
  return path;
}

/**
 * Limits out of the way, for runs that are about delivery at volume: the fraud guard would rightly
 * stop hundreds of unconfirmed codes to one number range.
 */
export function volumeSettingsFile(): string {
  return settingsFile({
    limits: {
      prefix: { limit: 1_000_000, windowSeconds: 3600, digits: 7 },
      client: { limit: 1_000_000, windowSeconds: 60 },
    },
    fraud: {
      conversion: { minSends: 1_000_000, threshold: 0.2, windowSeconds: 3600, blockSeconds: 60, digits: 7 },
    },
  });
}
