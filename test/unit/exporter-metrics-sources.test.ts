// The metric catalog (test/support/exporter-metrics.ts) derived again from its machine-readable sources:
// the kube-prometheus-stack chart's rules and dashboards, and CloudNativePG's default monitoring queries
// and cluster dashboard as the cloudnative-pg chart ships them. A chart upgrade that renames a metric
// shows here as a difference to review (and a dashboard to correct).
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { catalog } from '../../lib/internal';
import { chartCacheDir } from '../../scripts/reference/chart-archive';
import {
  CNPG_COLLECTOR_METRICS,
  CNPG_QUERY_METRICS,
  cnpgQueryMetrics,
  KUBE_PROMETHEUS_STACK_METRICS,
  kubePrometheusStackMetrics,
} from '../support/exporter-metrics';
import { gatedTests } from '../support/not-run';
import { needsReferenceData } from '../support/reference-gate';
import { chartValues } from '../support/shared-data';

/** The unpacked chart folder in the chart cache, if there is one. */
function unpacked(chart: { chart: string; version: string }): string | undefined {
  const dir = path.join(chartCacheDir(), `${chart.chart}-${chart.version}`);
  return fs.existsSync(path.join(dir, 'templates')) ? dir : undefined;
}

const kps = unpacked(catalog.kubePrometheusStack);
const cnpg = unpacked(catalog.cloudnativePg);
const withKps = gatedTests(kps !== undefined, 'chart', `kube-prometheus-stack ${catalog.kubePrometheusStack.version} unpacked`);
const withCnpg = gatedTests(cnpg !== undefined, 'chart', `cloudnative-pg ${catalog.cloudnativePg.version} unpacked`);
const reference = needsReferenceData('the cloudnative-pg chart values (its default monitoring queries)');

withKps.test("the kube-prometheus-stack list is every metric the chart's rules and dashboards select", () => {
  expect(kubePrometheusStackMetrics(kps!)).toEqual([...KUBE_PROMETHEUS_STACK_METRICS]);
});

reference.test("the CloudNativePG query list is cnpg_<query>_<column> of the chart's default monitoring queries", () => {
  const values = chartValues('cloudnative-pg') as { monitoringQueriesConfigMap: { queries: string } };
  expect(cnpgQueryMetrics(values.monitoringQueriesConfigMap.queries)).toEqual([...CNPG_QUERY_METRICS]);
});

withCnpg.test("the CloudNativePG collector list is the cnpg_collector_* series of the chart's cluster dashboard", () => {
  const dashboard = fs.readFileSync(path.join(cnpg!, 'charts', 'cluster', 'grafana-dashboard.json'), 'utf8');
  expect([...new Set(dashboard.match(/\bcnpg_collector_[a-z0-9_]+/g))].sort()).toEqual([...CNPG_COLLECTOR_METRICS]);
  // The chart's values are the ones the reference data has.
  const values = parse(fs.readFileSync(path.join(cnpg!, 'values.yaml'), 'utf8')) as { monitoringQueriesConfigMap: { queries: string } };
  expect(cnpgQueryMetrics(values.monitoringQueriesConfigMap.queries)).toEqual([...CNPG_QUERY_METRICS]);
});
