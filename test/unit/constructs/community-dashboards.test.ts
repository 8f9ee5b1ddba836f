// The grafana.com dashboards the monitoring stack has Grafana download: a part of its chart values.
import { CloudNativePg, KubePrometheusStack, PostgresCluster, TRAEFIK_DASHBOARD } from '../../../lib';
import { JsonValue, synthComponent } from '../../../lib/testing';

/** The value at `path` (dotted keys) inside `value`. */
function at(value: JsonValue | undefined, path: string): JsonValue | undefined {
  return path.split('.').reduce<JsonValue | undefined>((v, key) => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, JsonValue>)[key] : undefined), value);
}

test('community dashboards: the ones asked for, and the one a database adds', () => {
  const output = synthComponent((platform) => {
    const monitoring = new KubePrometheusStack(platform, 'monitoring', { communityDashboards: [TRAEFIK_DASHBOARD] });
    new CloudNativePg(platform, 'cnpg');
    new PostgresCluster(platform, 'postgres', { dashboardsIn: monitoring });
    return monitoring;
  });
  const release = output.flux['infrastructure/controllers/monitoring.yaml'].find((o) => o.kind === 'HelmRelease');
  expect(at(release, 'spec.values.grafana.dashboards')).toMatchSnapshot();
});
