import { readFileSync } from 'node:fs';
import { DEFAULT_SETTINGS, parseSettings, type Settings } from '@sendcode/policy';

/**
 * The deployment's policy settings (limits, fraud guard, costs, routing, per-client templates): the
 * JSON file at `path`, validated, or the shipped defaults when no path is given. Read once at boot by
 * the gateway and the workers, which must be given the same file.
 */
export function loadSettings(path: string | undefined): Settings {
  if (!path) return DEFAULT_SETTINGS;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`SENDCODE_SETTINGS: cannot read ${path} as JSON (${(error as Error).message})`);
  }
  return parseSettings(json);
}
