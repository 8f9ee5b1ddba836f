// grafana.com dashboards are an opt-in of the monitoring stack (Grafana downloads them when its pod
// starts, which needs internet access: a synth note says so); a database's dashboard is ballast's own,
// written beside the database.
import { CloudNativePg, KubePrometheusStack, PostgresCluster, TRAEFIK_DASHBOARD } from '../../../lib';
import { planPlatform } from '../../../lib/internal';
import { JsonValue, synthComponent } from '../../../lib/testing';
import { testPlatform } from '../../support/platforms';

/** The value at `path` (dotted keys) inside `value`. */
function at(value: JsonValue | undefined, path: string): JsonValue | undefined {
  return path.split('.').reduce<JsonValue | undefined>((v, key) => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, JsonValue>)[key] : undefined), value);
}

test('community dashboards: only the ones asked for; a database adds its own dashboard, not a grafana.com one', () => {
  const output = synthComponent((platform) => {
    const monitoring = new KubePrometheusStack(platform, 'monitoring', { communityDashboards: [TRAEFIK_DASHBOARD] });
    new CloudNativePg(platform, 'cnpg');
    new PostgresCluster(platform, 'postgres', { dashboardsIn: monitoring });
    return monitoring;
  });
  const release = output.flux['infrastructure/controllers/monitoring.yaml'].find((o) => o.kind === 'HelmRelease');
  expect(at(release, 'spec.values.grafana.dashboards')).toMatchSnapshot();
});

test('by default no community dashboard, and no note; each opt-in one adds a note that it needs internet access', () => {
  const quiet = testPlatform();
  new KubePrometheusStack(quiet, 'monitoring');
  const noted = planPlatform(quiet).notes.filter((n) => n.includes('grafana.com'));
  expect(noted).toEqual([]);

  const platform = testPlatform();
  const monitoring = new KubePrometheusStack(platform, 'monitoring', { communityDashboards: [TRAEFIK_DASHBOARD] });
  monitoring.addCommunityDashboard({ name: 'extra', id: 1860, revision: 37 });
  expect(planPlatform(platform).notes.filter((n) => n.includes('grafana.com'))).toEqual([
    'ballast/monitoring: Grafana downloads the community dashboard "traefik" (grafana.com 17347, revision 9) when its pod starts: it needs internet access to grafana.com, and is missing without it',
    'ballast/monitoring: Grafana downloads the community dashboard "extra" (grafana.com 1860, revision 37) when its pod starts: it needs internet access to grafana.com, and is missing without it',
  ]);
});

test("a PostgresCluster's dashboard is a ConfigMap beside it, in folder Databases, with a uid of its namespace and name", () => {
  const output = synthComponent((platform) => {
    const monitoring = new KubePrometheusStack(platform, 'monitoring');
    new CloudNativePg(platform, 'cnpg');
    return new PostgresCluster(platform, 'postgres', { dashboardsIn: monitoring, clusterName: 'main' });
  });
  type Map = { kind: string; metadata: { labels?: Record<string, string> }; data: Record<string, string> };
  const maps = (Object.values(output.flux).flat() as unknown as Map[]).filter((o) => o.kind === 'ConfigMap' && o.metadata.labels?.grafana_dashboard === '1');
  expect(maps.map((m) => [m.metadata, Object.keys(m.data)])).toMatchSnapshot();
});
