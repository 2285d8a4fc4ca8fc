/**
 * Reading the settings file: `parseSettings` validates what the app loaded (from `SENDCODE_SETTINGS`,
 * or `settings.default.json` when unset) and fails with every problem and its path.
 */
import DEFAULT_JSON from '../../settings.default.json' with { type: 'json' };
import { settingsSchema } from './schema.ts';
import type { Settings } from './types.ts';

/** Settings that failed validation. `issues` lists each problem with its dotted path. */
export class SettingsError extends Error {
  override readonly name = 'SettingsError';
  readonly issues: readonly { readonly path: string; readonly message: string }[];

  constructor(issues: readonly { readonly path: string; readonly message: string }[]) {
    super(`invalid settings:\n${issues.map((i) => `  ${i.path || '(root)'}: ${i.message}`).join('\n')}`);
    this.issues = issues;
  }
}

/**
 * Validates a parsed settings file (the result of `JSON.parse`) and fills in every default.
 * @throws SettingsError listing each problem as `path: message`, e.g. `limits.ip.limit: Too small:
 * expected number to be >0`.
 */
export function parseSettings(json: unknown): Settings {
  const result = settingsSchema.safeParse(json);
  if (result.success) return result.data;
  throw new SettingsError(
    result.error.issues.map((issue) => ({
      path: issue.path.map(String).join('.'),
      message: issue.message,
    })),
  );
}

/** The defaults of `settings.default.json` (DESIGN.md's defaults, no clients), parsed. */
export const DEFAULT_SETTINGS: Settings = parseSettings(DEFAULT_JSON);
