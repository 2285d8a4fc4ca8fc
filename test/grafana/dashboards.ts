import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

/**
 * The parts of a Grafana dashboard the lint and the live check read. Everything is optional here so
 * that the lint can say what is missing, panel by panel, instead of failing on the first parse error.
 */
const datasourceRef = z.object({ type: z.string().optional(), uid: z.string().optional() }).optional();
const target = z.object({
  refId: z.string().optional(),
  expr: z.string().optional(),
  datasource: datasourceRef,
});
const basePanel = z.object({
  type: z.string(),
  title: z.string().optional(),
  description: z.string().optional(),
  datasource: datasourceRef,
  fieldConfig: z.object({ defaults: z.object({ unit: z.string().optional() }).optional() }).optional(),
  targets: z.array(target).optional(),
});
type BasePanel = z.infer<typeof basePanel>;
export type Panel = BasePanel & { readonly panels?: Panel[] | undefined };
const panel: z.ZodType<Panel> = basePanel.extend({ panels: z.lazy(() => z.array(panel)).optional() });
const variable = z.object({
  name: z.string(),
  type: z.string(),
  query: z.unknown().optional(),
  datasource: datasourceRef,
});
const dashboardSchema = z.object({
  uid: z.string().optional(),
  title: z.string().optional(),
  templating: z.object({ list: z.array(variable) }).optional(),
  panels: z.array(panel),
});
export type Dashboard = z.infer<typeof dashboardSchema>;
export type Variable = z.infer<typeof variable>;

export const DASHBOARD_DIR = join(import.meta.dirname, '../../grafana/dashboards');

/** Every dashboard file: its name, its raw text, and the dashboard (`undefined` when the JSON is invalid). */
export function loadDashboards(): { file: string; text: string; dashboard: Dashboard | undefined }[] {
  return readdirSync(DASHBOARD_DIR)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => {
      const text = readFileSync(join(DASHBOARD_DIR, file), 'utf8');
      let dashboard: Dashboard | undefined;
      try {
        dashboard = dashboardSchema.parse(JSON.parse(text));
      } catch {
        dashboard = undefined;
      }
      return { file, text, dashboard };
    });
}

/** Panels in display order, those inside rows (collapsed or not) included; rows themselves excluded. */
export function panelsOf(dashboard: Dashboard): Panel[] {
  return dashboard.panels.flatMap((p) => (p.type === 'row' ? (p.panels ?? []) : [p]));
}

/** Rows, for the lint (they only need a title). */
export function rowsOf(dashboard: Dashboard): Panel[] {
  return dashboard.panels.filter((p) => p.type === 'row');
}

/**
 * A panel query as Prometheus will run it: `$__rate_interval` (and `$__interval`) become `interval`,
 * and every query variable becomes `.*`, which is what "All" means for them (`allValue`).
 */
export function substitute(expr: string, dashboard: Dashboard, interval: string): string {
  let out = expr.replaceAll(/\$(?:\{__rate_interval\}|__rate_interval|\{__interval\}|__interval)/g, interval);
  for (const v of dashboard.templating?.list ?? []) {
    if (v.type === 'datasource') continue;
    out = out.replaceAll(new RegExp(`\\$\\{${v.name}(?::[a-z]+)?\\}|\\$${v.name}\\b`, 'g'), '.*');
  }
  return out;
}

/** Label matchers written with `=` or `!=` whose value holds a variable: "All" and multi-values need `=~`. */
export function exactMatchersOnVariables(expr: string): string[] {
  return [...expr.matchAll(/(\w+)\s*(=|!=)\s*"([^"]*\$[^"]*)"/g)].map((m) => m[0]);
}
