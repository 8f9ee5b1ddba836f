import * as path from 'path';
import { cachedJson } from '../../../core/build-cache';
import { k6DurationQuantile, K6MetricsMode } from '../../../core/k6-metrics';
import type { DashboardModel } from '../grafana-dashboard';

/** What the Load test overview dashboard is built from. */
export interface LoadTestOverviewInputs {
  /** The uid of the Prometheus datasource every panel queries. */
  readonly datasourceUid: string;
  /** How k6 writes its Trend metrics: the latency queries follow it. */
  readonly k6Metrics: K6MetricsMode;
}

/** The version of the Grafana foundation SDK the dashboard is built with (part of the cache key). */
const SDK_VERSION = '0.0.21';
export const LOAD_TEST_OVERVIEW_UID = 'ballast-load-test';

/**
 * The "Load test overview": what a k6 run does (request rate, p95/p99 latency in the platform's k6 mode,
 * active VUs, failure rate) beside what the target does (its request rate as Traefik sees it, ready
 * replicas of its Deployment, CPU and memory per pod), so an autoscaler's reaction shows under the load.
 * Variables: `testid` (as the official k6 dashboards), `namespace`, `deployment`, Traefik `service`.
 */
export function loadTestOverview(inputs: LoadTestOverviewInputs): DashboardModel {
  // The SDK takes a quarter second to load: a re-synth with the same inputs reuses the built JSON.
  return cachedJson('dashboards', path.join(__dirname, path.basename(__filename)), SDK_VERSION, inputs, () => build(inputs));
}

function build(inputs: LoadTestOverviewInputs): DashboardModel {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const dashboard = require('@grafana/grafana-foundation-sdk/dashboard') as typeof import('@grafana/grafana-foundation-sdk/dashboard');
  const timeseries = require('@grafana/grafana-foundation-sdk/timeseries') as typeof import('@grafana/grafana-foundation-sdk/timeseries');
  const stat = require('@grafana/grafana-foundation-sdk/stat') as typeof import('@grafana/grafana-foundation-sdk/stat');
  const prometheus = require('@grafana/grafana-foundation-sdk/prometheus') as typeof import('@grafana/grafana-foundation-sdk/prometheus');

  const datasource = { type: 'prometheus', uid: inputs.datasourceUid };
  const k6 = 'testid=~"$testid"';
  const pods = 'namespace="$namespace", pod=~"$deployment-[a-z0-9]+-[a-z0-9]+", container!="", container!="POD"';
  const query = (expr: string, legend: string) => new prometheus.DataqueryBuilder().expr(expr).legendFormat(legend).datasource(datasource);
  const variable = (name: string, label: string, definition: string, options: { multi?: boolean } = {}) =>
    new dashboard.QueryVariableBuilder(name)
      .label(label)
      .datasource(datasource)
      .query({ query: definition, refId: name })
      .definition(definition)
      .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
      .sort(dashboard.VariableSort.AlphabeticalAsc)
      .multi(options.multi ?? false)
      .includeAll(options.multi ?? false);
  const graph = (title: string, unit: string, x: number, y: number) =>
    new timeseries.PanelBuilder().title(title).unit(unit).datasource(datasource).gridPos({ x, y, w: 12, h: 8 });

  return new dashboard.DashboardBuilder('Load test overview')
    .uid(LOAD_TEST_OVERVIEW_UID)
    .tags(['ballast', 'k6', 'load test'])
    .description(`k6 (${inputs.k6Metrics}) and the service under load: Traefik, replicas, CPU, memory.`)
    .time({ from: 'now-30m', to: 'now' })
    .refresh('10s')
    .withVariable(variable('testid', 'Test', 'label_values(k6_vus, testid)', { multi: true }))
    .withVariable(variable('namespace', 'Namespace', 'label_values(kube_deployment_status_replicas_ready, namespace)'))
    .withVariable(variable('deployment', 'Deployment', 'label_values(kube_deployment_status_replicas_ready{namespace="$namespace"}, deployment)'))
    .withVariable(variable('service', 'Traefik service', 'label_values(traefik_service_requests_total, service)', { multi: true }))
    .withPanel(
      new stat.PanelBuilder().title('Active VUs').datasource(datasource).gridPos({ x: 0, y: 0, w: 6, h: 4 }).withTarget(query(`sum(k6_vus{${k6}})`, 'VUs')),
    )
    .withPanel(
      new stat.PanelBuilder()
        .title('Failed requests')
        .unit('percentunit')
        .datasource(datasource)
        .gridPos({ x: 6, y: 0, w: 6, h: 4 })
        .withTarget(query(`avg(k6_http_req_failed_rate{${k6}})`, 'failed')),
    )
    .withPanel(
      new stat.PanelBuilder()
        .title('Ready replicas')
        .datasource(datasource)
        .gridPos({ x: 12, y: 0, w: 6, h: 4 })
        .withTarget(query('sum(kube_deployment_status_replicas_ready{namespace="$namespace", deployment="$deployment"})', 'ready')),
    )
    .withPanel(
      new stat.PanelBuilder()
        .title('k6 requests per second')
        .unit('reqps')
        .datasource(datasource)
        .gridPos({ x: 18, y: 0, w: 6, h: 4 })
        .withTarget(query(`sum(rate(k6_http_reqs_total{${k6}}[$__rate_interval]))`, 'req/s')),
    )
    .withPanel(graph('k6 request rate', 'reqps', 0, 4).withTarget(query(`sum by (testid) (rate(k6_http_reqs_total{${k6}}[$__rate_interval]))`, '{{testid}}')))
    .withPanel(
      graph('k6 request duration', 's', 12, 4)
        .withTarget(query(k6DurationQuantile(inputs.k6Metrics, 0.95, k6), 'p95'))
        .withTarget(query(k6DurationQuantile(inputs.k6Metrics, 0.99, k6), 'p99')),
    )
    .withPanel(graph('Active VUs', 'none', 0, 12).withTarget(query(`sum by (testid) (k6_vus{${k6}})`, '{{testid}}')))
    .withPanel(
      graph('Requests the target serves (Traefik)', 'reqps', 12, 12).withTarget(
        query('sum by (service) (rate(traefik_service_requests_total{service=~"$service"}[$__rate_interval]))', '{{service}}'),
      ),
    )
    .withPanel(
      graph('Ready replicas of the target', 'none', 0, 20).withTarget(
        query('sum(kube_deployment_status_replicas_ready{namespace="$namespace", deployment="$deployment"})', 'ready'),
      ),
    )
    .withPanel(
      graph('CPU per pod', 'cores', 12, 20).withTarget(query(`sum by (pod) (rate(container_cpu_usage_seconds_total{${pods}}[$__rate_interval]))`, '{{pod}}')),
    )
    .withPanel(graph('Memory per pod', 'bytes', 0, 28).withTarget(query(`sum by (pod) (container_memory_working_set_bytes{${pods}})`, '{{pod}}')))
    .build() as unknown as DashboardModel;
}
