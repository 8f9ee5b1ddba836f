import { K6MetricsMode, k6TrendStat } from '../../../core/k6-metrics';
import type { DashboardModel } from '../grafana-dashboard';
import { buildDashboard, PanelSpec, q } from './layout';

/** What the k6 results dashboard is built from. */
export interface K6ResultsInputs {
  /** The uid of the Prometheus datasource every panel queries. */
  readonly datasourceUid: string;
  /** How k6 writes its Trend metrics: the latency queries follow it. */
  readonly k6Metrics: K6MetricsMode;
}

export const K6_RESULTS_UID = 'ballast-k6';

/**
 * The results of k6 runs as k6 writes them by remote write, in the platform's k6 mode: what the official
 * k6 dashboards show (VUs, request rate, failures, latency quantiles, checks, data sent and received,
 * iterations), written here from k6's metric names, filtered by the `testid` tag every ballast LoadTest sets.
 */
export function k6ResultsDashboard(inputs: K6ResultsInputs): DashboardModel {
  const mode = inputs.k6Metrics;
  const k6 = 'testid=~"$testid"';
  const latency = (metric: string, by: string, legend: (stat: string) => string): PanelSpec['queries'] =>
    (['p95', 'p99', 'avg'] as const).map((stat) => q(k6TrendStat(mode, metric, stat, k6, by), legend(stat)));
  return buildDashboard({
    uid: K6_RESULTS_UID,
    title: 'k6 results',
    description: `k6 runs written by Prometheus remote write (${mode}), by test id.`,
    tags: ['ballast', 'k6', 'load test'],
    datasourceUid: inputs.datasourceUid,
    from: 'now-1h',
    refresh: '10s',
    variables: [{ name: 'testid', label: 'Test', query: 'label_values(k6_vus, testid)', multi: true }],
    rows: [
      {
        title: 'Summary',
        panels: [
          { title: 'Peak VUs', kind: 'stat', queries: [q(`max(k6_vus{${k6}})`, 'VUs')] },
          { title: 'Requests', kind: 'stat', queries: [q(`sum(increase(k6_http_reqs_total{${k6}}[$__range]))`, 'requests')] },
          { title: 'Failed requests', kind: 'stat', unit: 'percentunit', queries: [q(`avg(k6_http_req_failed_rate{${k6}})`, 'failed')] },
          { title: 'Checks passed', kind: 'stat', unit: 'percentunit', queries: [q(`avg(k6_checks_rate{${k6}})`, 'passed')] },
          { title: 'p95 request duration', kind: 'stat', unit: 's', queries: [q(k6TrendStat(mode, 'http_req_duration', 'p95', k6), 'p95')] },
          { title: 'Iterations', kind: 'stat', queries: [q(`sum(increase(k6_iterations_total{${k6}}[$__range]))`, 'iterations')] },
        ],
      },
      {
        title: 'Load and throughput',
        panels: [
          { title: 'Virtual users', queries: [q(`sum by (testid) (k6_vus{${k6}})`, '{{testid}} VUs'), q(`sum by (testid) (k6_vus_max{${k6}})`, '{{testid}} max')] },
          { title: 'Request rate', unit: 'reqps', queries: [q(`sum by (testid) (rate(k6_http_reqs_total{${k6}}[$__rate_interval]))`, '{{testid}}')] },
          { title: 'Iteration rate', unit: 'ops', queries: [q(`sum by (testid) (rate(k6_iterations_total{${k6}}[$__rate_interval]))`, '{{testid}}'), q(`sum by (testid) (rate(k6_dropped_iterations_total{${k6}}[$__rate_interval]))`, '{{testid}} dropped')] },
          {
            title: 'Data sent and received',
            unit: 'Bps',
            queries: [q(`sum by (testid) (rate(k6_data_sent_total{${k6}}[$__rate_interval]))`, '{{testid}} sent'), q(`sum by (testid) (rate(k6_data_received_total{${k6}}[$__rate_interval]))`, '{{testid}} received')],
          },
        ],
      },
      {
        title: 'Latency and errors',
        panels: [
          { title: 'Request duration', unit: 's', queries: latency('http_req_duration', '', (stat) => stat) },
          { title: 'Request duration p95 by request name', unit: 's', queries: [q(k6TrendStat(mode, 'http_req_duration', 'p95', k6, 'name'), '{{name}}')] },
          { title: 'Failed requests', unit: 'percentunit', queries: [q(`avg by (testid) (k6_http_req_failed_rate{${k6}})`, '{{testid}}')] },
          { title: 'Checks passed, by check', unit: 'percentunit', queries: [q(`avg by (check) (k6_checks_rate{${k6}})`, '{{check}}')] },
          { title: 'Waiting for the first byte', unit: 's', queries: latency('http_req_waiting', '', (stat) => stat) },
          { title: 'Iteration duration', unit: 's', queries: latency('iteration_duration', '', (stat) => stat) },
        ],
      },
    ],
  });
}
