// Every PromQL expression ballast writes (rules, dashboard panels and variables) parses in the real
// promtool, and every alerting and recording rule passes `promtool test rules` with input series.
import * as path from 'path';
import { isAlertingRule, PrometheusRule, TRAEFIK_RECORDED } from '../../lib/internal';
import { checkQueries, emittedQueries, testRules, withVariablesReplaced } from '../support/promql';
import { needsReferenceData } from '../support/reference-gate';
import { chartValues } from '../support/shared-data';
import { defaultPlan, fluxObjects, synthToTemp } from '../support/synth';

const objects = fluxObjects(path.join(synthToTemp(), 'flux'));
const queries = emittedQueries(objects);
const ruleGroups = objects
  .filter((o) => o.object.kind === 'PrometheusRule')
  .flatMap((o) => (o.object.spec as { groups: { name: string; rules: Record<string, unknown>[] }[] }).groups);

test('the queries come from rules, autoscalers and dashboards', () => {
  const sources = queries.map((q) => q.source);
  expect(sources.filter((s) => s.includes('ScaledObject articles/articles-api trigger 0'))).toHaveLength(1);
  expect(sources.filter((s) => s.includes('PrometheusRule platform-alerts'))).toHaveLength(5);
  expect(sources.filter((s) => s.includes('PrometheusRule traefik-request-rates'))).toHaveLength(3);
  expect(sources.filter((s) => s.includes('load-test-overview.json panel')).length).toBeGreaterThanOrEqual(10);
  expect(sources.filter((s) => s.includes('load-test-overview.json variable'))).toHaveLength(4);
});

test('promtool parses every one of them', () => {
  const result = checkQueries(queries);
  expect({ status: result.status, output: result.status === 0 ? '' : result.output }).toEqual({ status: 0, output: '' });
  expect(result.output).toContain(`SUCCESS: ${queries.length} rules found`);
});

test('Grafana variables are replaced by values PromQL accepts', () => {
  expect(withVariablesReplaced('sum(rate(k6_http_reqs_total{testid=~"$testid"}[$__rate_interval])) by (${label})')).toBe(
    'sum(rate(k6_http_reqs_total{testid=~"x"}[1m])) by (x)',
  );
});

test('a query that does not parse fails the check, naming where it is', () => {
  const broken = [...queries, { source: 'dist/flux/x.yaml: ConfigMap ns/broken broken.json panel "Oops"', expr: 'sum(rate(http_requests_total[5m])' }];
  const result = checkQueries(broken);
  expect(result.status).not.toBe(0);
  expect(result.output).toContain('ConfigMap ns/broken broken.json panel \\"Oops\\"');
  expect(result.output).toMatch(/unclosed left parenthesis|unexpected end of input/);
});

/** The runbook link the synthesized rules give `alert` (one per alert name, whatever its severity). */
function runbook(alert: string): string {
  const links = new Set(ruleGroups.flatMap((g) => g.rules.filter((r) => r.alert === alert).map((r) => (r.annotations as { runbook_url: string }).runbook_url)));
  if (links.size !== 1) throw new Error(`alert ${alert} has ${links.size} runbook links`);
  return [...links][0];
}

/** promtool unit tests, with input series for every alert and recorded series ballast writes. */
const ruleTests = [
  {
    name: 'a target down for 5 minutes',
    interval: '1m',
    input_series: [{ series: 'up{job="traefik", instance="10.0.0.1:9100"}', values: '1 0x10' }],
    alert_rule_test: [
      { eval_time: '4m', alertname: 'ScrapeTargetDown', exp_alerts: [] },
      {
        eval_time: '7m',
        alertname: 'ScrapeTargetDown',
        exp_alerts: [
          {
            exp_labels: { severity: 'warning', job: 'traefik', instance: '10.0.0.1:9100' },
            exp_annotations: {
              summary: 'Prometheus cannot scrape traefik at 10.0.0.1:9100',
              description: 'The target has been down for 5 minutes: its metrics, and every autoscaler reading them, are blind.',
              runbook_url: runbook('ScrapeTargetDown'),
            },
          },
        ],
      },
    ],
  },
  {
    name: 'remote writes refused: 10 of 110 per minute',
    interval: '1m',
    input_series: [
      { series: 'prometheus_http_requests_total{handler="/api/v1/write", code="204"}', values: '0+100x20' },
      { series: 'prometheus_http_requests_total{handler="/api/v1/write", code="400"}', values: '0+10x20' },
    ],
    alert_rule_test: [
      {
        eval_time: '15m',
        alertname: 'RemoteWriteReceiverErrors',
        exp_alerts: [{ exp_labels: { severity: 'warning' }, exp_annotations: { summary: 'Prometheus refuses 9.091% of remote writes', description: 'Load-test metrics pushed by k6 (or any remote-write client) are being lost.', runbook_url: runbook('RemoteWriteReceiverErrors') } }],
      },
    ],
  },
  {
    name: 'remote writes all accepted',
    interval: '1m',
    input_series: [{ series: 'prometheus_http_requests_total{handler="/api/v1/write", code="204"}', values: '0+100x20' }],
    alert_rule_test: [{ eval_time: '15m', alertname: 'RemoteWriteReceiverErrors', exp_alerts: [] }],
  },
  {
    name: 'a volume with 5% free, then 2%',
    interval: '1m',
    input_series: [
      { series: 'kubelet_volume_stats_available_bytes{namespace="monitoring", persistentvolumeclaim="data"}', values: '5x15 2x15' },
      { series: 'kubelet_volume_stats_capacity_bytes{namespace="monitoring", persistentvolumeclaim="data"}', values: '100x30' },
    ],
    alert_rule_test: [
      {
        eval_time: '12m',
        alertname: 'VolumeFillingUp',
        exp_alerts: [{ exp_labels: { severity: 'warning', namespace: 'monitoring', persistentvolumeclaim: 'data' }, exp_annotations: { summary: 'Volume data in monitoring has less than 10% free', runbook_url: runbook('VolumeFillingUp') } }],
      },
      // Both levels fire under one name: Alertmanager's inhibition then silences the warning.
      {
        eval_time: '25m',
        alertname: 'VolumeFillingUp',
        exp_alerts: [
          { exp_labels: { severity: 'warning', namespace: 'monitoring', persistentvolumeclaim: 'data' }, exp_annotations: { summary: 'Volume data in monitoring has less than 10% free', runbook_url: runbook('VolumeFillingUp') } },
          { exp_labels: { severity: 'critical', namespace: 'monitoring', persistentvolumeclaim: 'data' }, exp_annotations: { summary: 'Volume data in monitoring has less than 3% free', runbook_url: runbook('VolumeFillingUp') } },
        ],
      },
    ],
  },
  {
    name: 'a volume with 50% free',
    interval: '1m',
    input_series: [
      { series: 'kubelet_volume_stats_available_bytes{namespace="monitoring", persistentvolumeclaim="data"}', values: '50x30' },
      { series: 'kubelet_volume_stats_capacity_bytes{namespace="monitoring", persistentvolumeclaim="data"}', values: '100x30' },
    ],
    alert_rule_test: [{ eval_time: '25m', alertname: 'VolumeFillingUp', exp_alerts: [] }],
  },
  {
    name: 'one autoscaler at its maximum for 20 minutes, another below it',
    interval: '1m',
    input_series: [
      { series: 'kube_horizontalpodautoscaler_status_current_replicas{namespace="articles", horizontalpodautoscaler="keda-hpa-articles-api"}', values: '10x30' },
      { series: 'kube_horizontalpodautoscaler_spec_max_replicas{namespace="articles", horizontalpodautoscaler="keda-hpa-articles-api"}', values: '10x30' },
      { series: 'kube_horizontalpodautoscaler_status_current_replicas{namespace="articles", horizontalpodautoscaler="articles-ui"}', values: '4x30' },
      { series: 'kube_horizontalpodautoscaler_spec_max_replicas{namespace="articles", horizontalpodautoscaler="articles-ui"}', values: '10x30' },
    ],
    alert_rule_test: [
      { eval_time: '10m', alertname: 'HorizontalAutoscalerAtMax', exp_alerts: [] },
      {
        eval_time: '20m',
        alertname: 'HorizontalAutoscalerAtMax',
        exp_alerts: [
          {
            exp_labels: { severity: 'warning', namespace: 'articles', horizontalpodautoscaler: 'keda-hpa-articles-api' },
            exp_annotations: {
              summary: 'Autoscaler keda-hpa-articles-api in articles has run at its maximum replicas for 15 minutes',
              description: 'The workload may need more replicas than it may have: its latency grows under the load.',
              runbook_url: runbook('HorizontalAutoscalerAtMax'),
            },
          },
        ],
      },
    ],
  },
  {
    name: "PostgreSQL: the primary's PostgreSQL stops, the replica's pod is gone",
    interval: '1m',
    input_series: [
      { series: 'cnpg_collector_up{namespace="database", cluster="postgres", pod="postgres-1"}', values: '1x4 0x10' },
      { series: 'cnpg_collector_up{namespace="database", cluster="postgres", pod="postgres-2"}', values: '1x4 _x10' },
    ],
    // Mutation check: PostgresClusterDown as absent() of the series alone (without `== 1`) misses a cluster
    // whose instances report PostgreSQL down, and fails this test at 12m.
    // The replica's last sample counts for Prometheus' 5-minute lookback: the cluster is down from 9m, and
    // fires 2 minutes later.
    alert_rule_test: [
      { eval_time: '4m', alertname: 'PostgresClusterDown', exp_alerts: [] },
      { eval_time: '4m', alertname: 'PostgresInstanceDown', exp_alerts: [] },
      { eval_time: '9m', alertname: 'PostgresClusterDown', exp_alerts: [] },
      {
        eval_time: '12m',
        alertname: 'PostgresClusterDown',
        exp_alerts: [
          {
            exp_labels: { severity: 'critical', namespace: 'database', cluster: 'postgres' },
            exp_annotations: {
              summary: 'No instance of PostgreSQL cluster postgres in database is up',
              description: 'Applications using the cluster cannot write, and cannot read when no replica is up either.',
              runbook_url: runbook('PostgresClusterDown'),
            },
          },
        ],
      },
      {
        eval_time: '11m',
        alertname: 'PostgresInstanceDown',
        exp_alerts: [
          {
            exp_labels: { severity: 'warning', namespace: 'database', cluster: 'postgres', pod: 'postgres-1' },
            exp_annotations: { summary: 'Instance postgres-1 of PostgreSQL cluster postgres in database is down', runbook_url: runbook('PostgresInstanceDown') },
          },
        ],
      },
    ],
  },
  {
    name: 'PostgreSQL: one instance up, the other down; another cluster entirely down',
    interval: '1m',
    input_series: [
      { series: 'cnpg_collector_up{namespace="database", cluster="postgres", pod="postgres-1"}', values: '1x15' },
      { series: 'cnpg_collector_up{namespace="database", cluster="postgres", pod="postgres-2"}', values: '0x15' },
      { series: 'cnpg_collector_up{namespace="other", cluster="postgres", pod="postgres-1"}', values: '0x15' },
    ],
    // Each cluster's rules select only its own namespace and name.
    alert_rule_test: [{ eval_time: '10m', alertname: 'PostgresClusterDown', exp_alerts: [] }],
  },
  {
    name: 'PostgreSQL: a replica 45 seconds behind, another 5',
    interval: '1m',
    input_series: [
      { series: 'cnpg_pg_replication_lag{namespace="database", pod="postgres-2"}', values: '45x10' },
      { series: 'cnpg_pg_replication_lag{namespace="database", pod="postgres-3"}', values: '5x10' },
    ],
    alert_rule_test: [
      { eval_time: '3m', alertname: 'PostgresReplicaLagging', exp_alerts: [] },
      {
        eval_time: '7m',
        alertname: 'PostgresReplicaLagging',
        exp_alerts: [
          {
            exp_labels: { severity: 'warning', namespace: 'database', pod: 'postgres-2' },
            exp_annotations: {
              summary: 'Replica postgres-2 of PostgreSQL cluster postgres in database is 45s behind the primary',
              description: 'Reads from the read-only service return data that old.',
              runbook_url: runbook('PostgresReplicaLagging'),
            },
          },
        ],
      },
    ],
  },
  {
    name: 'PostgreSQL backups: WAL piling up on the primary, a base backup failing after the last good one',
    interval: '1m',
    input_series: [
      { series: 'cnpg_collector_pg_wal_archive_status{namespace="database", pod="postgres-1", value="ready"}', values: '0x4 12x20' },
      { series: 'cnpg_collector_pg_wal_archive_status{namespace="database", pod="postgres-2", value="ready"}', values: '2x25' },
      { series: 'barman_cloud_cloudnative_pg_io_last_available_backup_timestamp{namespace="database", pod="postgres-1"}', values: '1000x4 1000x20' },
      { series: 'barman_cloud_cloudnative_pg_io_last_failed_backup_timestamp{namespace="database", pod="postgres-1"}', values: '0x4 2000x20' },
      // A replica whose last backup succeeded after an earlier failure.
      { series: 'barman_cloud_cloudnative_pg_io_last_available_backup_timestamp{namespace="database", pod="postgres-2"}', values: '3000x25' },
      { series: 'barman_cloud_cloudnative_pg_io_last_failed_backup_timestamp{namespace="database", pod="postgres-2"}', values: '2000x25' },
    ],
    alert_rule_test: [
      { eval_time: '3m', alertname: 'PostgresBackupFailing', exp_alerts: [] },
      { eval_time: '10m', alertname: 'PostgresWalArchivingFailing', exp_alerts: [] },
      {
        eval_time: '6m',
        alertname: 'PostgresBackupFailing',
        exp_alerts: [
          {
            exp_labels: { severity: 'warning', namespace: 'database', pod: 'postgres-1' },
            exp_annotations: {
              summary: 'The last base backup of PostgreSQL cluster postgres in database failed',
              description: 'Restores start from an older backup, and replay more WAL.',
              runbook_url: runbook('PostgresBackupFailing'),
            },
          },
        ],
      },
      {
        eval_time: '16m',
        alertname: 'PostgresWalArchivingFailing',
        exp_alerts: [
          {
            exp_labels: { severity: 'critical', namespace: 'database', pod: 'postgres-1', value: 'ready' },
            exp_annotations: {
              summary: '12 WAL segments of postgres-1 (PostgreSQL cluster postgres in database) wait to be archived',
              description: 'Point-in-time recovery stops at the last archived segment, and the waiting segments fill the volume.',
              runbook_url: runbook('PostgresWalArchivingFailing'),
            },
          },
        ],
      },
    ],
  },
  {
    // promtool's clock starts at 0: an expiry of 2 days and one of 10 days, read at 2 hours.
    name: 'certificates: one expires in 2 days, one in 10, one in 60',
    interval: '1m',
    input_series: [
      { series: 'certmanager_certificate_expiration_timestamp_seconds{namespace="cert-manager", exported_namespace="articles", name="soon"}', values: '172800x150' },
      { series: 'certmanager_certificate_expiration_timestamp_seconds{namespace="cert-manager", exported_namespace="articles", name="later"}', values: '864000x150' },
      { series: 'certmanager_certificate_expiration_timestamp_seconds{namespace="cert-manager", exported_namespace="articles", name="fine"}', values: '5184000x150' },
    ],
    alert_rule_test: [
      {
        eval_time: '2h',
        alertname: 'CertificateExpiring',
        exp_alerts: [
          ...['later', 'soon'].map((name) => ({
            exp_labels: { severity: 'warning', namespace: 'cert-manager', exported_namespace: 'articles', name },
            exp_annotations: {
              summary: `Certificate ${name} in articles expires in ${name === 'soon' ? '1d 22h 0m 0s' : '9d 22h 0m 0s'}`,
              description: 'cert-manager has not renewed it: its renewals are failing.',
              runbook_url: runbook('CertificateExpiring'),
            },
          })),
          {
            exp_labels: { severity: 'critical', namespace: 'cert-manager', exported_namespace: 'articles', name: 'soon' },
            exp_annotations: { summary: 'Certificate soon in articles expires in 1d 22h 0m 0s', description: 'Clients refuse the host once it expires.', runbook_url: runbook('CertificateExpiring') },
          },
        ],
      },
    ],
  },
  {
    name: 'certificates: one not ready for 20 minutes, one ready',
    interval: '1m',
    input_series: [
      { series: 'certmanager_certificate_ready_status{namespace="cert-manager", exported_namespace="articles", name="api", condition="False"}', values: '1x20' },
      { series: 'certmanager_certificate_ready_status{namespace="cert-manager", exported_namespace="articles", name="api", condition="True"}', values: '0x20' },
      { series: 'certmanager_certificate_ready_status{namespace="cert-manager", exported_namespace="articles", name="ui", condition="False"}', values: '0x20' },
      { series: 'certmanager_certificate_ready_status{namespace="cert-manager", exported_namespace="articles", name="ui", condition="True"}', values: '1x20' },
    ],
    alert_rule_test: [
      { eval_time: '10m', alertname: 'CertificateNotReady', exp_alerts: [] },
      {
        eval_time: '20m',
        alertname: 'CertificateNotReady',
        exp_alerts: [
          {
            exp_labels: { severity: 'warning', namespace: 'cert-manager', exported_namespace: 'articles', name: 'api', condition: 'False' },
            exp_annotations: { summary: 'Certificate api in articles has not been ready for 15 minutes', runbook_url: runbook('CertificateNotReady') },
          },
        ],
      },
    ],
  },
  {
    name: 'KEDA: one scaler failing every minute, another never',
    interval: '1m',
    input_series: [
      { series: 'keda_scaler_detail_errors_total{namespace="keda", exported_namespace="articles", scaledObject="articles-api", scaler="prometheusScaler", triggerIndex="0", metric="s0-prometheus", type="scaledobject"}', values: '0+2x30' },
      { series: 'keda_scaler_detail_errors_total{namespace="keda", exported_namespace="articles", scaledObject="articles-ui", scaler="prometheusScaler", triggerIndex="0", metric="s0-prometheus", type="scaledobject"}', values: '0x30' },
    ],
    alert_rule_test: [
      { eval_time: '10m', alertname: 'KedaScalerErrors', exp_alerts: [] },
      {
        eval_time: '20m',
        alertname: 'KedaScalerErrors',
        exp_alerts: [
          {
            exp_labels: { severity: 'warning', exported_namespace: 'articles', scaledObject: 'articles-api', scaler: 'prometheusScaler' },
            exp_annotations: {
              summary: 'Scaler prometheusScaler of articles-api in articles keeps failing to read its metric',
              description: 'The workload keeps its replicas (or its fallback) and no longer follows its load.',
              runbook_url: runbook('KedaScalerErrors'),
            },
          },
        ],
      },
    ],
  },
  {
    name: 'Traefik request rate, error ratio and p95 per service',
    interval: '15s',
    input_series: [
      { series: 'traefik_service_requests_total{service="apps-api-80@kubernetescrd", code="200", method="GET", protocol="http"}', values: '0+45x20' },
      { series: 'traefik_service_requests_total{service="apps-api-80@kubernetescrd", code="503", method="GET", protocol="http"}', values: '0+15x20' },
      { series: 'traefik_service_request_duration_seconds_bucket{service="apps-api-80@kubernetescrd", le="0.1"}', values: '0+30x20' },
      { series: 'traefik_service_request_duration_seconds_bucket{service="apps-api-80@kubernetescrd", le="0.3"}', values: '0+60x20' },
      { series: 'traefik_service_request_duration_seconds_bucket{service="apps-api-80@kubernetescrd", le="+Inf"}', values: '0+60x20' },
    ],
    // round(): rates are computed in floating point (4 comes out as 3.9999999999999996).
    promql_expr_test: [
      { expr: `round(${TRAEFIK_RECORDED.requestRate}, 0.001)`, eval_time: '4m', exp_samples: [{ labels: '{service="apps-api-80@kubernetescrd"}', value: 4 }] },
      { expr: `round(${TRAEFIK_RECORDED.errorRatio}, 0.001)`, eval_time: '4m', exp_samples: [{ labels: '{service="apps-api-80@kubernetescrd"}', value: 0.25 }] },
      // 95% of 60 requests is the 57th; 30 lie under 0.1 s, all 60 under 0.3 s: 0.1 + 0.2 * 27/30.
      { expr: `round(${TRAEFIK_RECORDED.durationP95}, 0.001)`, eval_time: '4m', exp_samples: [{ labels: '{service="apps-api-80@kubernetescrd"}', value: 0.28 }] },
    ],
  },
];

test("the demo API's KEDA query gives the request rate of its own Traefik service label, as Traefik's scrape writes it", () => {
  const spec = objects.find((o) => o.object.kind === 'ScaledObject')!.object.spec as { triggers: { metadata: { query: string } }[] };
  const query = spec.triggers[0].metadata.query;
  const series = (service: string, perScrape: number) => ({
    series: `traefik_service_requests_total{service="${service}", code="200", method="GET", protocol="http"}`,
    values: `0+${perScrape}x20`,
  });
  const result = testRules(ruleGroups, [
    {
      name: 'KEDA query over the recorded rate',
      interval: '15s',
      // 1200 requests per minute to the API (20/s), and traffic to another service that must not count.
      input_series: [series('articles-articles-api-80@kubernetescrd', 300), series('articles-articles-ui-80@kubernetescrd', 150)],
      promql_expr_test: [{ expr: `round(${query}, 0.001)`, eval_time: '4m', exp_samples: [{ labels: '{}', value: 20 }] }],
    },
  ]);
  expect({ status: result.status, output: result.status === 0 ? '' : result.output }).toEqual({ status: 0, output: '' });
});

test('every alert has a promtool unit test', () => {
  const alerts = ruleGroups.flatMap((g) => g.rules.filter((r) => r.alert).map((r) => String(r.alert))).sort();
  const tested = [...new Set(ruleTests.flatMap((t) => (t.alert_rule_test ?? []).map((a) => a.alertname)))].sort();
  expect(tested).toEqual([...new Set(alerts)]);
});

test('promtool test rules: every alert fires on its input series, with its labels and summary, and every recorded series has its value', () => {
  const result = testRules(ruleGroups, ruleTests);
  expect({ status: result.status, output: result.status === 0 ? '' : result.output }).toEqual({ status: 0, output: '' });
});

test('a rule test with a wrong expectation fails', () => {
  const wrong = [{ ...ruleTests[0], alert_rule_test: [{ eval_time: '2m', alertname: 'ScrapeTargetDown', exp_alerts: [{ exp_labels: { severity: 'warning', job: 'traefik', instance: '10.0.0.1:9100' } }] }] }];
  const result = testRules(ruleGroups, wrong);
  expect(result.status).not.toBe(0);
  expect(result.output).toContain('alertname: ScrapeTargetDown, time: 2m');
});

// Alertmanager's configuration is the chart's default, read from the reference data.
const inhibitRules = needsReferenceData("alert severities against kube-prometheus-stack's Alertmanager inhibit rules");

inhibitRules.test("the rules' severities are the ones Alertmanager's configuration inhibits on", () => {
  const { platform } = defaultPlan();
  const rules = platform.node.findAll().filter((c): c is PrometheusRule => c instanceof PrometheusRule);
  const severities = new Set(rules.flatMap((r) => r.groups.flatMap((g) => g.rules.filter(isAlertingRule).map((a) => a.severity))));
  // The chart's alertmanager.config (kept by ballast) inhibits by severity: the values its matchers name.
  const config = (chartValues('kube-prometheus-stack') as { alertmanager: { config: unknown } }).alertmanager.config;
  const named = new Set([...JSON.stringify(config).matchAll(/severity\s*=~?\s*([a-z|]+)/g)].flatMap((m) => m[1].split('|')));
  expect([...severities].sort()).toEqual(['critical', 'warning']);
  [...severities].forEach((s) => expect(named).toContain(s));
});
