import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROMETHEUS_DIR, run } from './tools.ts';

const TESTS_DIR = join(PROMETHEUS_DIR, 'tests');
const testFiles = readdirSync(TESTS_DIR)
  .filter((file) => file.endsWith('.yml'))
  .sort()
  .map((file) => join('tests', file));
const rulesText = readFileSync(join(PROMETHEUS_DIR, 'alerts.yml'), 'utf8');
const alertNames = [...rulesText.matchAll(/^\s*- alert: (\S+)/gm)].map((m) => m[1]);

/**
 * Alert cases in the promtool test files: each `alertname:` line and whether its `exp_alerts` is
 * empty (`exp_alerts: []`, a not-firing case) or a list (a firing case).
 */
function alertCases(): { alert: string; fires: boolean }[] {
  return testFiles.flatMap((file) => {
    const text = readFileSync(join(PROMETHEUS_DIR, file), 'utf8');
    return [...text.matchAll(/alertname: (\S+)\s*\n\s*exp_alerts:(.*)/g)].map((m) => ({
      alert: m[1] ?? '',
      fires: (m[2] ?? '').trim() !== '[]',
    }));
  });
}

describe('Prometheus rules and config (promtool)', () => {
  it('the alert rules are valid', async () => {
    const { code, output } = await run('promtool', ['check', 'rules', 'alerts.yml']);
    expect(output).toContain('SUCCESS');
    expect(code, output).toBe(0);
  });

  it('the scrape config is valid, loads the rules and scrapes the gateway and the workers', async () => {
    const { code, output } = await run('promtool', ['check', 'config', 'prometheus.yml']);
    expect(code, output).toBe(0);
    const config = readFileSync(join(PROMETHEUS_DIR, 'prometheus.yml'), 'utf8');
    expect(config).toMatch(/job_name: sendcode-gateway/);
    expect(config).toMatch(/job_name: sendcode-workers/);
  });

  it('every alert has a runbook that exists, a severity and a summary', () => {
    expect(alertNames.length).toBeGreaterThanOrEqual(7);
    const runbooks = [...rulesText.matchAll(/^\s+runbook_url: (\S+)$/gm)].map((m) => m[1] ?? '');
    expect(runbooks).toHaveLength(alertNames.length);
    for (const path of runbooks) {
      expect(path).toMatch(/^docs\/runbooks\/[a-z-]+\.md$/);
      expect(() => readFileSync(join(PROMETHEUS_DIR, '../..', path)), path).not.toThrow();
    }
    expect([...rulesText.matchAll(/severity: (page|ticket)$/gm)]).toHaveLength(alertNames.length);
    expect([...rulesText.matchAll(/summary: /g)]).toHaveLength(alertNames.length);
  });

  it('every alert has unit tests where it fires and where it does not', () => {
    const cases = alertCases();
    const untested = alertNames.flatMap((alert) => [
      ...(cases.some((c) => c.alert === alert && c.fires) ? [] : [`${alert}: no firing case`]),
      ...(cases.some((c) => c.alert === alert && !c.fires) ? [] : [`${alert}: no not-firing case`]),
    ]);
    expect(untested).toEqual([]);
    expect(cases.filter((c) => !alertNames.includes(c.alert))).toEqual([]);
  });

  it('the unit tests pass (promtool test rules)', async () => {
    const { code, output } = await run('promtool', ['test', 'rules', ...testFiles]);
    expect(code, output).toBe(0);
  });
});
