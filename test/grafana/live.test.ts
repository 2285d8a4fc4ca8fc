import { join } from 'node:path';
import { eventually, freePort } from '@sendcode/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSystem, type TestSystem } from '../helpers/system.ts';
import { loadDashboards, panelsOf, substitute } from './dashboards.ts';
import { type RunningPrometheus, startPrometheus } from './prometheus.ts';
import { PROMETHEUS_DIR } from './tools.ts';
import { driveTraffic } from './traffic.ts';

/** With 1 s scrapes, Grafana's $__rate_interval would be 4 s at least; 15 s spans several samples. */
const RATE_INTERVAL = '15s';
/** Overview panels whose first query must show a value above zero after the traffic. */
const LIVE_PANELS = [
  'Verification conversion rate',
  'Verifications started by channel',
  'Delivery success rate by channel and provider',
  'Failovers by reason',
  'Delivery latency p50 / p95 / p99',
  'Receipt latency p50 / p95 / p99',
  'Provider errors',
  'Webhooks rejected',
  'Requests by route',
];

describe('live: every dashboard query returns series from a real Prometheus scraping Sendcode', () => {
  let system: TestSystem;
  let prometheus: RunningPrometheus;

  beforeAll(async () => {
    // Prometheus takes up to 5 s to start scraping new targets, so it starts alongside the system,
    // on ports chosen in advance.
    const gatewayPort = await freePort();
    const workersPort = await freePort();
    await Promise.all([
      startPrometheus({
        targets: {
          'sendcode-gateway': [`127.0.0.1:${gatewayPort}`],
          'sendcode-workers': [`127.0.0.1:${workersPort}`],
        },
        ruleFiles: [join(PROMETHEUS_DIR, 'alerts.yml')],
      }).then((started) => {
        prometheus = started;
      }),
      startTestSystem({
        PORT: String(gatewayPort),
        WORKERS_METRICS_PORT: String(workersPort),
        DELIVERY_BACKOFF_MS: '100',
      }).then((started) => {
        system = started;
      }),
    ]);
    // A scrape before the traffic, so that rates see it as an increase.
    const up = await eventually(
      () => prometheus.query('up{job=~"sendcode-.*"} == 1'),
      (result) => result.length === 2,
      30_000,
    );
    if (up.length !== 2) throw new Error('Prometheus did not scrape the gateway and the workers');
    await driveTraffic(system);
    // Wait until Prometheus has scraped the results of the traffic, receipts and failovers included,
    // then two more scrapes so every rate window holds several samples.
    const seen = await eventually(
      () =>
        prometheus.query(
          'sum(sendcode_receipt_seconds_count) > 0 and sum(sendcode_failovers_total{reason="permanent_error"}) > 0' +
            ' and sum(sendcode_failovers_total{reason="provider_error"}) > 0',
        ),
      (result) => result.length > 0,
      40_000,
    );
    if (seen.length === 0) throw new Error('Prometheus never saw the receipts and failovers');
    await new Promise((resolve) => setTimeout(resolve, 2_500));
  }, 100_000);

  afterAll(async () => {
    await prometheus?.stop();
    await system?.close();
  });

  it('both Sendcode targets are up', async () => {
    const up = await prometheus.query('up{job=~"sendcode-.*"} == 1');
    expect(up.map((s) => s.metric.job).sort()).toEqual(['sendcode-gateway', 'sendcode-workers']);
  });

  it('every panel query of every dashboard returns at least one series', async () => {
    const empty: string[] = [];
    for (const { file, dashboard } of loadDashboards()) {
      if (!dashboard) throw new Error(`${file} is not valid dashboard JSON`);
      for (const panel of panelsOf(dashboard)) {
        for (const target of panel.targets ?? []) {
          const expr = substitute(target.expr ?? '', dashboard, RATE_INTERVAL);
          const series = await prometheus.query(expr).catch((error: Error) => error);
          if (series instanceof Error || series.length === 0) {
            const why = series instanceof Error ? series.message : 'no series';
            empty.push(`${file} › ${panel.title} › ${target.refId}: ${why}\n    ${expr}`);
          }
        }
      }
    }
    expect(empty, empty.join('\n')).toEqual([]);
  });

  it('the traffic shows: the main panels have real values, not just zeros', async () => {
    const overview = loadDashboards().find((d) => d.file === 'overview.json')?.dashboard;
    if (!overview) throw new Error('no overview dashboard');
    const flat: string[] = [];
    for (const title of LIVE_PANELS) {
      const panel = panelsOf(overview).find((p) => p.title === title);
      const expr = substitute(panel?.targets?.[0]?.expr ?? '', overview, RATE_INTERVAL);
      const series = expr ? await prometheus.query(expr) : [];
      if (!series.some((s) => Number(s.value[1]) > 0)) flat.push(title);
    }
    expect(flat).toEqual([]);
  });

  it('every template variable has values to offer', async () => {
    const problems: string[] = [];
    for (const { file, dashboard } of loadDashboards()) {
      for (const v of dashboard?.templating?.list ?? []) {
        if (v.type !== 'query' || !dashboard) continue;
        const definition =
          typeof v.query === 'object' && v.query && 'query' in v.query ? v.query.query : v.query;
        const match = /^label_values\((.+),\s*(\w+)\)$/.exec(String(definition));
        if (!match?.[1] || !match[2]) {
          problems.push(`${file} $${v.name}: not a label_values() query`);
          continue;
        }
        const selector = substitute(match[1], dashboard, RATE_INTERVAL);
        const values = await prometheus.api(
          `label/${match[2]}/values?match[]=${encodeURIComponent(selector)}`,
        );
        if (!Array.isArray(values) || values.length === 0) problems.push(`${file} $${v.name}: no values`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('the recording and alerting rules evaluate without errors', async () => {
    const data = (await prometheus.api('rules')) as {
      groups: { rules: { name: string; health: string; lastError?: string }[] }[];
    };
    const rules = data.groups.flatMap((group) => group.rules);
    expect(rules.length).toBeGreaterThan(10);
    expect(rules.filter((rule) => rule.health !== 'ok')).toEqual([]);
    const ratio = await prometheus.query('sendcode:delivery_error_ratio:rate5m');
    expect(ratio).toHaveLength(1);
  });

  it('HTTP metrics carry route templates, never raw paths or ids', async () => {
    const routes = await prometheus.query(
      'sum by (method, route, status) (sendcode_http_requests_total) > 0',
    );
    const seen = routes.map((s) => `${s.metric.method} ${s.metric.route} ${s.metric.status}`);
    expect(seen).toEqual(
      expect.arrayContaining([
        'POST /v1/verifications 201',
        'POST /v1/verifications/:id/checks 200',
        'POST /webhooks/twilio/status 401',
        'GET unmatched 404',
        'GET /v1/verifications/:id 404',
        'POST /v1/verifications 401',
      ]),
    );
    expect(seen.filter((route) => /ver_|no-such-route/.test(route))).toEqual([]);
  });

  it('one process exports the queue depth and age, for every delivery queue, and the receipts awaited', async () => {
    const jobs = await prometheus.query('count by (job, queue) (sendcode_queue_oldest_waiting_seconds)');
    expect(new Set(jobs.map((s) => s.metric.job))).toEqual(new Set(['sendcode-workers']));
    expect(jobs.map((s) => s.metric.queue).sort()).toEqual(['deliver-email', 'deliver-sms', 'deliver-voice']);
    const awaited = await prometheus.query('count by (job) (sendcode_receipts_awaited)');
    expect(awaited.map((s) => s.metric.job)).toEqual(['sendcode-workers']);
  });
});
