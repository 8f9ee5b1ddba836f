import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
// Grafana, dashboards, monitors and rules as the monitoring component writes them.
import * as fs from 'fs';
import * as path from 'path';
import {
  BallastAlert,
  DASHBOARD_LABEL,
  GrafanaDashboard,
  K6MetricsMode,
  k6Dashboard,
  k6ResultsDashboard,
  KUBERNETES_DASHBOARDS,
  KubePrometheusStack,
  loadTestOverview,
  Manifest,
  PlatformConfig,
  RUNBOOKS,
  runbookUid,
  ServiceMonitor,
  Traefik,
  TRAEFIK_DASHBOARD,
} from '../../lib/internal';
import { testPlatform } from '../support/platforms';
import { dashboardsOf, foreignDatasources, panelsOf } from '../support/promql';
import { defaultPlan, fluxObjects, synthToTemp, tempDir } from '../support/synth';

function monitoring(config: Partial<PlatformConfig> = {}, props: ConstructorParameters<typeof KubePrometheusStack>[2] = {}) {
  const platform = testPlatform(config);
  const traefik = new Traefik(platform, 'traefik', { metrics: true });
  return new KubePrometheusStack(platform, 'monitoring', { ingress: traefik, ...props });
}
const values = (s: KubePrometheusStack) => s.helmChart!.values as any;

test("every panel, target and variable of every dashboard ballast writes queries the platform datasource's uid", () => {
  const { platform } = defaultPlan();
  const uid = (platform.node.findChild('monitoring') as KubePrometheusStack).datasourceUid;
  const dashboards = dashboardsOf(fluxObjects(path.join(synthToTemp(), 'flux')));
  const runbooks = dashboards.filter((d) => String(d.json.uid).startsWith('runbook-'));
  expect(dashboards.filter((d) => !runbooks.includes(d)).map((d) => d.json.uid)).toEqual([
    'ballast-app-articles-articles-api',
    'ballast-postgres-database-postgres',
    'ballast-kubernetes',
    'ballast-autoscaling',
    'ballast-k6',
    'ballast-load-test',
    'ballast-traefik',
  ]);
  expect(runbooks.map((d) => d.json.uid).sort()).toEqual(Object.keys(RUNBOOKS).map((a) => runbookUid(a as BallastAlert)).sort());
  for (const d of dashboards) {
    expect(panelsOf(d.json).filter((p) => p.targets).length).toBeGreaterThanOrEqual(runbooks.includes(d) ? 1 : 10);
    expect(foreignDatasources(d.json, uid)).toEqual([]);
  }
  // The walker finds a panel and a variable on another datasource.
  const other = JSON.parse(JSON.stringify(dashboards.find((d) => d.json.uid === 'ballast-load-test')!.json));
  other.panels[2].targets[0].datasource = { type: 'prometheus', uid: 'elsewhere' };
  delete other.templating.list[0].datasource;
  expect(foreignDatasources(other, uid)).toEqual(['variable testid', `panel "${other.panels[2].title}" target 0`]);
});

test('Grafana: one datasource with a fixed uid at queryUrl, and a sidecar that reads labelled dashboards in every namespace', () => {
  const s = monitoring();
  const sidecar = values(s).grafana.sidecar;
  expect(sidecar.datasources).toMatchObject({ uid: s.datasourceUid, url: s.queryUrl, isDefaultDatasource: true });
  expect(sidecar.dashboards).toMatchObject({ enabled: true, label: DASHBOARD_LABEL.name, labelValue: DASHBOARD_LABEL.value, searchNamespace: 'ALL' });
});

test.each([
  ['native-histograms', 18030, 'histogram_quantile(0.95, sum(rate(k6_http_req_duration_seconds{testid=~"$testid"}[$__rate_interval])))'],
  ['trend-stats', 19665, 'max(k6_http_req_duration_p95{testid=~"$testid"})'],
] as const)('k6Metrics %s: ballast\'s k6 dashboards (written for that mode as grafana.com %i is) and their latency queries', (mode: K6MetricsMode, _id, p95) => {
  const s = monitoring({ k6Metrics: mode });
  expect(values(s).grafana.dashboards.community).toEqual({});
  for (const dashboard of [loadTestOverview({ datasourceUid: 'prometheus', k6Metrics: mode }), k6ResultsDashboard({ datasourceUid: 'prometheus', k6Metrics: mode })]) {
    const exprs = panelsOf(dashboard as any).flatMap((p) => (p.targets ?? []).map((t) => t.expr));
    expect(exprs).toContain(p95);
  }
});

test('community dashboards (an opt-in, none by default) are pinned to a revision and downloaded by the community provider', () => {
  expect(values(monitoring()).grafana.dashboards.community).toEqual({});
  const v = values(monitoring({}, { communityDashboards: [...KUBERNETES_DASHBOARDS, k6Dashboard('native-histograms'), TRAEFIK_DASHBOARD] })).grafana;
  const provider = v.dashboardProviders['dashboardproviders.yaml'].providers[0];
  expect(provider).toMatchObject({ name: 'community', type: 'file', options: { path: '/var/lib/grafana/dashboards/community' } });
  const pinned = Object.entries(v.dashboards.community as Record<string, { gnetId: number; revision: number }>).map(([n, d]) => `${n} ${d.gnetId}@${d.revision}`);
  expect(pinned).toEqual(['k8s-views-global 15757@43', 'k8s-views-namespaces 15758@46', 'k8s-views-nodes 15759@40', 'k8s-views-pods 15760@39', 'k6 18030@8', 'traefik 17347@9']);
});

test('Prometheus is routed at prometheus.<domain> behind both admin Middlewares; Alertmanager runs unless turned off with a reason', () => {
  const s = monitoring();
  const route = (s.manifests() as Manifest[]).find((m) => m.kind === 'IngressRoute' && m.metadata.name === 'prometheus') as any;
  expect(route.spec.routes[0]).toMatchObject({
    match: 'Host(`prometheus.example.com`)',
    middlewares: [{ name: 'admin-networks', namespace: 'traefik' }, { name: 'admin-login', namespace: 'traefik' }],
    services: [{ kind: 'Service', name: 'kube-prometheus-stack-prometheus', port: 9090 }],
  });
  expect(values(s).alertmanager.enabled).toBe(true);
  expect(values(monitoring({}, { alerting: { disabled: 'a central Alertmanager' } })).alertmanager.enabled).toBe(false);
});

test('Traefik with metrics records request rate, error ratio and p95 per service', () => {
  const platform = testPlatform();
  const traefik = new Traefik(platform, 'traefik', { metrics: true });
  const rule = traefik.manifests().find((m) => m.kind === 'PrometheusRule') as any;
  expect(rule.spec.groups[0].rules.map((r: { record: string }) => r.record)).toEqual([
    'service:traefik_service_requests:rate1m',
    'service:traefik_service_requests_errors:ratio_rate1m',
    'service:traefik_service_request_duration_seconds:p95_1m',
  ]);
  expect(new Traefik(testPlatform(), 'traefik').manifests().filter((m) => m.kind === 'PrometheusRule')).toEqual([]);
});

test('ServiceMonitor and GrafanaDashboard objects', () => {
  const s = monitoring();
  const service = new kplus.Service(s, 'api-service', { metadata: { name: 'api', labels: { app: 'api' } }, ports: [{ name: 'http-metrics', port: 9090 }] });
  new ServiceMonitor(s, 'api', { service, port: 'http-metrics', interval: Duration.seconds(15) });
  new GrafanaDashboard(s, 'api-dashboard', { dashboard: { uid: 'api', title: 'API' }, folder: 'Apps' });
  const objects = s.manifests() as Manifest[];
  expect(objects.find((m) => m.kind === 'ServiceMonitor')).toEqual({
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'ServiceMonitor',
    metadata: { name: 'api', namespace: 'monitoring' },
    spec: { selector: { matchLabels: { app: 'api' } }, endpoints: [{ port: 'http-metrics', path: '/metrics', interval: '15s' }] },
  });
  expect(objects.find((m) => m.metadata.name === 'api-dashboard')).toEqual({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'api-dashboard', namespace: 'monitoring', labels: { grafana_dashboard: '1' }, annotations: { grafana_folder: 'Apps' } },
    data: { 'api-dashboard.json': '{\n  "uid": "api",\n  "title": "API"\n}' },
  });
});

test('the built dashboard is remembered: a re-synth does not load the SDK again, and gets the same JSON', () => {
  const cache = tempDir('ballast-cache-');
  const before = process.env.BALLAST_CACHE;
  process.env.BALLAST_CACHE = cache;
  try {
    const first = loadTestOverview({ datasourceUid: 'ds', k6Metrics: 'trend-stats' });
    const [file] = fs.readdirSync(path.join(cache, 'dashboards'));
    expect(JSON.parse(fs.readFileSync(path.join(cache, 'dashboards', file), 'utf8'))).toEqual(first);
    expect(loadTestOverview({ datasourceUid: 'ds', k6Metrics: 'trend-stats' })).toEqual(first);
    expect(fs.readdirSync(path.join(cache, 'dashboards'))).toHaveLength(1);
    loadTestOverview({ datasourceUid: 'other', k6Metrics: 'trend-stats' });
    expect(fs.readdirSync(path.join(cache, 'dashboards'))).toHaveLength(2);
  } finally {
    if (before === undefined) delete process.env.BALLAST_CACHE;
    else process.env.BALLAST_CACHE = before;
  }
});
