import { describe, expect, it } from 'vitest';
import { exactMatchersOnVariables, loadDashboards, panelsOf, rowsOf } from './dashboards.ts';

// biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's variable syntax, not a JS template
const TEMPLATED_DATASOURCE = '${datasource}';
const dashboards = loadDashboards();

describe('Grafana dashboards (lint)', () => {
  it('there are dashboards: an overview and a channel/provider drill-down', () => {
    expect(dashboards.map((d) => d.file)).toEqual(['channel-provider.json', 'overview.json']);
  });

  it('are valid JSON with a fixed, unique uid and a title', () => {
    for (const { file, dashboard } of dashboards) {
      expect(dashboard, `${file}: not valid dashboard JSON`).toBeDefined();
      expect(dashboard?.uid, file).toMatch(/^sendcode-[a-z0-9-]+$/);
      expect(dashboard?.title, file).toBeTruthy();
    }
    const uids = dashboards.map((d) => d.dashboard?.uid);
    expect(new Set(uids).size).toBe(uids.length);
  });

  it('take their data source from a `datasource` variable, never a hard-coded one', () => {
    for (const { file, dashboard } of dashboards) {
      if (!dashboard) continue;
      const variable = dashboard.templating?.list.find((v) => v.name === 'datasource');
      expect(variable, `${file}: no datasource variable`).toMatchObject({
        type: 'datasource',
        query: 'prometheus',
      });
      const problems = panelsOf(dashboard).flatMap((panel) => {
        const refs = [panel.datasource, ...(panel.targets ?? []).map((t) => t.datasource)];
        return refs.some((ref) => ref?.uid !== TEMPLATED_DATASOURCE) ? [panel.title ?? panel.type] : [];
      });
      const variables = (dashboard.templating?.list ?? []).filter((v) => v.type === 'query');
      for (const v of variables) if (v.datasource?.uid !== TEMPLATED_DATASOURCE) problems.push(`$${v.name}`);
      expect(problems, `${file}: panels or variables with another data source`).toEqual([]);
    }
  });

  it('every panel has a title, a description, a unit and at least one query; every row a title', () => {
    for (const { file, dashboard } of dashboards) {
      if (!dashboard) continue;
      const problems = panelsOf(dashboard).flatMap((panel) => {
        const name = panel.title || `(untitled ${panel.type})`;
        const missing = [
          !panel.title && 'title',
          !panel.description?.trim() && 'description',
          !panel.fieldConfig?.defaults?.unit && 'fieldConfig.defaults.unit',
          !(panel.targets?.length && panel.targets.every((t) => t.expr?.trim() && t.refId)) && 'queries',
        ].filter((m): m is string => typeof m === 'string');
        return missing.length ? [`${name}: no ${missing.join(', ')}`] : [];
      });
      for (const row of rowsOf(dashboard)) if (!row.title) problems.push('a row without a title');
      expect(problems, file).toEqual([]);
    }
  });

  it('match variables with =~ so that "All" and several values work', () => {
    for (const { file, dashboard } of dashboards) {
      if (!dashboard) continue;
      const exprs = panelsOf(dashboard).flatMap((p) => (p.targets ?? []).map((t) => t.expr ?? ''));
      expect(exprs.flatMap(exactMatchersOnVariables), file).toEqual([]);
    }
  });

  it('the drill-down has $channel, $provider and $instance, and rates over $__rate_interval', () => {
    const drill = dashboards.find((d) => d.file === 'channel-provider.json')?.dashboard;
    expect(drill).toBeDefined();
    if (!drill) return;
    const names = (drill.templating?.list ?? []).map((v) => v.name);
    expect(names).toEqual(expect.arrayContaining(['datasource', 'channel', 'provider', 'instance']));
    const exprs = panelsOf(drill).flatMap((p) => (p.targets ?? []).map((t) => t.expr ?? ''));
    const all = exprs.join('\n');
    for (const name of ['$channel', '$provider', '$instance']) expect(all).toContain(name);
    const rates = exprs.filter((e) => /\b(rate|increase)\(/.test(e));
    expect(rates.length).toBeGreaterThan(0);
    expect(rates.filter((e) => !e.includes('[$__rate_interval]'))).toEqual([]);
  });
});
