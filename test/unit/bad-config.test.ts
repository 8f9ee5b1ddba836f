// Wrong configs fail at synth with `<construct path>: <what is wrong>. <how to fix>.`
import { problemOf } from '../support/problems';
import { App } from 'cdk8s';
import { Construct } from 'constructs';
import {
  catalog,
  Component,
  Duration,
  Flux,
  GrafanaDashboard,
  IngressRoute,
  KubePrometheusStack,
  Middleware,
  planPlatform,
  Platform,
  PostgresCluster,
  PrometheusRule,
  SecretValue,
  Size,
  Traefik,
} from '../../lib/internal';
import { ApiObject, Chart } from 'cdk8s';
import { testConfig, testPlatform } from '../support/platforms';
import { needsReferenceData } from '../support/reference-gate';

/** A component that installs a chart of the catalog (to provoke release and CRD conflicts). */
class ChartComponent extends Component {
  constructor(scope: Construct, id: string, namespace: string, release: string, tier: 'infrastructure' | 'apps' = 'infrastructure') {
    super(scope, id, { namespace, tier });
    this.addChart(catalog.traefik, {}, { releaseName: release });
  }
}

/**
 * A platform with a PrometheusRule of `props` in its monitoring: rules report their problems when the
 * platform is planned, all of them at once, not at the first.
 */
function withRule(props: ConstructorParameters<typeof PrometheusRule>[2]): Platform {
  const p = testPlatform();
  new PrometheusRule(new KubePrometheusStack(p, 'monitoring'), 'rules', props);
  return p;
}

const cases: [string, () => void, string | ReturnType<typeof expect.stringContaining>][] = [
  ['empty domain', () => testPlatform({ domain: '' }), 'ballast: domain is empty. Set domain to the DNS domain the platform serves, e.g. "example.com".'],
  [
    'domain without a dot',
    () => testPlatform({ domain: 'localhost' }),
    'ballast: domain "localhost" is not a DNS domain. Use a lowercase domain with at least one dot, e.g. "example.com".',
  ],
  [
    'cluster name with uppercase',
    () => testPlatform({ clusterName: 'Prod' }),
    'ballast: clusterName "Prod" is not a valid DNS label. Use at most 63 lowercase letters, digits and "-", e.g. "production".',
  ],
  [
    'git URL that is a path',
    () => testPlatform({ git: { url: '/srv/git/platform' } }),
    'ballast: git.url "/srv/git/platform" is not an http(s):// or ssh:// URL. Set git.url to the clone URL of the repository Flux watches.',
  ],
  [
    'a Flux interval given as a string (a JavaScript caller)',
    () => testPlatform({ flux: { interval: '10 minutes' as unknown as Duration } }),
    'ballast: flux.interval is the string "10 minutes", not a Duration. Use a cdk8s Duration of whole milliseconds, e.g. Duration.minutes(10) or Duration.seconds(30).',
  ],
  [
    'a Flux timeout of zero',
    () => testPlatform({ flux: { timeout: Duration.seconds(0) } }),
    'ballast: flux.timeout is zero. Use a cdk8s Duration of whole milliseconds, e.g. Duration.minutes(10) or Duration.seconds(30).',
  ],
  [
    'Git credentials with an SSH URL',
    () => testPlatform({ git: { url: 'ssh://git@example.com/p.git', auth: { username: 'u', password: SecretValue.fromVariable('t', 't') } } }),
    'ballast: git.auth is set but git.url "ssh://git@example.com/p.git" is not an https:// URL. Use the https:// clone URL with git.auth, or remove git.auth.',
  ],
  [
    'node pool defined twice',
    () => testPlatform({ nodePools: [{ name: 'a', labels: { a: 'a' } }, { name: 'a', labels: { a: 'b' } }] }),
    'ballast: node pool "a" is defined twice. Give every node pool a unique name.',
  ],
  [
    'node pool without labels',
    () => testPlatform({ nodePools: [{ name: 'a', labels: {} }] }),
    'ballast: node pool "a" has no labels. Give the pool the labels its nodes carry, so workloads can select them.',
  ],
  [
    'unknown node pool',
    () => new KubePrometheusStack(testPlatform(), 'monitoring', { nodePool: 'observability' }),
    'ballast/monitoring: unknown node pool "observability". Use one of the pools in the platform config (monitor) or add "observability" to nodePools.',
  ],
  [
    'unknown node pool without any pools',
    () => new Traefik(testPlatform({ nodePools: [] }), 'traefik', { nodePool: 'edge' }),
    'ballast/traefik: unknown node pool "edge". Add a node pool named "edge" to nodePools in the platform config.',
  ],
  [
    'duplicate component name',
    () => {
      const p = testPlatform();
      new Traefik(p, 'traefik');
      new Traefik(p, 'traefik');
    },
    'ballast/traefik: a component named "traefik" already exists. Give every component a unique id.',
  ],
  [
    'namespace that is not a DNS label',
    () => new Traefik(testPlatform(), 'traefik', { namespace: 'Ingress_NS' }),
    'ballast/traefik: namespace "Ingress_NS" is not a valid DNS label. Use at most 63 lowercase letters, digits and "-", starting and ending with a letter or digit.',
  ],
  [
    'unknown backend',
    () => new Traefik(testPlatform(), 'traefik', { deployWith: 'argocd' as 'flux' }),
    'ballast/traefik: deployWith "argocd" is not a backend. Use "flux" or "terraform".',
  ],
  [
    'invalid CIDR in the allow-list',
    () => new Traefik(testPlatform(), 'traefik', { adminSourceRange: ['10.0.0.0/33'] }),
    'ballast/traefik: IP allow-list "admin-networks" has "10.0.0.0/33" in sourceRange, which is not an IP range. Use CIDR notation such as "192.168.0.0/16".',
  ],
  [
    'empty allow-list',
    () => new Traefik(testPlatform(), 'traefik', { adminSourceRange: [] }),
    'ballast/traefik: IP allow-list "admin-networks" has an empty sourceRange. List at least one CIDR, e.g. "10.0.0.0/8".',
  ],
  [
    'dashboard host that is not a DNS name',
    () => new Traefik(testPlatform(), 'traefik', { dashboardHost: 'https://traefik.example.com' }),
    'ballast/traefik/dashboard: host "https://traefik.example.com" is not a DNS name. Use a lowercase host name such as "grafana.example.com".',
  ],
  [
    'route to a Service without a port',
    () => {
      const t = new Traefik(testPlatform(), 'traefik');
      return new IngressRoute(t, 'api', { host: 'api.example.com', backend: { name: 'api' } });
    },
    'ballast/traefik/api: backend Service "api" has no port. Set backend.port to the Service port name or number.',
  ],
  [
    'a storage size of no bytes',
    () => new KubePrometheusStack(testPlatform(), 'monitoring', { storageSize: Size.gibibytes(0) }),
    'ballast/monitoring: storageSize is 0 bytes. Use a cdk8s Size of whole bytes, e.g. Size.gibibytes(20) or Size.mebibytes(512).',
  ],
  [
    'two releases with the same name in one namespace',
    () => {
      const p = testPlatform();
      new ChartComponent(p, 'a', 'edge', 'proxy');
      new ChartComponent(p, 'b', 'edge', 'proxy');
      planPlatform(p);
    },
    'ballast/b: its chart installs the CRDs of traefik.io, hub.traefik.io, which ballast/a already installs. Keep only one component that installs these CRDs.\n' +
      'ballast/b: Helm release "proxy" in namespace "edge" is also installed by ballast/a. Give one of them another releaseName or namespace.',
  ],
  [
    'custom resource without a component that installs its CRD',
    () => {
      const p = testPlatform();
      const c = new Component(p, 'app', { namespace: 'app' });
      new ApiObject(c, 'scaler', { apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledObject', metadata: { name: 'api' } });
      planPlatform(p);
    },
    'ballast/app: no component installs the CRD of ScaledObject "api" (keda.sh/v1alpha1). Add the component whose chart installs the keda.sh CRDs, or declare them with platform.assumeInstalled({ crdGroups: [\'keda.sh\'] }) when the cluster has them.',
  ],
  [
    'a plain Secret object, whose value would land in the output',
    () => {
      const p = testPlatform();
      const c = new Component(p, 'app', { namespace: 'app' });
      new ApiObject(c, 'secret', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db' }, stringData: { password: 'x' } });
      planPlatform(p);
    },
    'ballast/app: it creates Secret "db" (v1), whose values would be written to the output. Declare it with addBootstrapSecret and SecretValue inputs instead.',
  ],
  [
    'custom resource in the same step as the chart of its CRD',
    () => {
      const p = testPlatform();
      const proxy = new ChartComponent(p, 'proxy', 'edge', 'proxy', 'apps');
      const app = new Component(p, 'app', { namespace: 'app', tier: 'apps' });
      void proxy;
      Middleware.ipAllowList(app, 'allow', { name: 'allow', sourceRange: ['10.0.0.0/8'] });
      planPlatform(p);
    },
    'ballast/app: Middleware "allow" (traefik.io/v1alpha1) would be applied in the same Flux step as the chart that installs its CRD (ballast/proxy). Make the component that installs the CRD an infrastructure component.',
  ],
  [
    'Terraform component that waits for a Flux component',
    () => {
      const p = testPlatform();
      const a = new Traefik(p, 'a', { deployWith: 'flux', namespace: 'a' });
      const b = new KubePrometheusStack(p, 'b', { deployWith: 'terraform' });
      b.deployAfter(a);
      planPlatform(p);
    },
    'ballast/b: it is deployed by Terraform but must wait for ballast/a, which Flux deploys after Terraform. Deploy both with the same backend, or the dependency with terraform.',
  ],
  [
    'Flux version that is not a version',
    () => new Flux(testPlatform(), 'flux', { distributionVersion: 'latest' }),
    'ballast/flux/instance: distributionVersion "latest" is not a pinned Flux version. Use an exact version or a patch range such as "2.9.x": a wider range lets a re-apply install another Flux.',
  ],
  [
    'a plain cdk8s Chart in the platform, which no backend would deploy',
    () => {
      const p = testPlatform();
      new Chart(p, 'extra');
      planPlatform(p);
    },
    'ballast/extra: it is a cdk8s Chart but not a ballast Component, so no backend would deploy its objects. Extend Component instead of Chart (it is a Chart with a namespace and a backend).',
  ],
  [
    'k6Metrics that is not a mode',
    () => testPlatform({ k6Metrics: 'histograms' as 'trend-stats' }),
    'ballast: k6Metrics "histograms" is not a k6 metrics mode. Use one of "native-histograms", "trend-stats".',
  ],
  [
    'recording rule whose name is not a metric name',
    () => planPlatform(withRule({ groups: [{ name: 'g', rules: [{ record: 'requests-per-second', expr: 'up' }] }] })),
    'ballast/monitoring/rules: record name "requests-per-second" is not a metric name. Use letters, digits, "_" and ":", e.g. "service:http_requests:rate1m".',
  ],
  [
    'alert whose for is a fraction of a millisecond',
    () => planPlatform(withRule({ groups: [{ name: 'g', rules: [{ alert: 'Down', expr: 'up == 0', for: Duration.millis(0.5), severity: 'warning', summary: 'down' }] }] })),
    'ballast/monitoring/rules: the for of alert "Down" is 0.5 ms, not a whole number of milliseconds. Use a cdk8s Duration of whole milliseconds, e.g. Duration.minutes(10) or Duration.seconds(30).',
  ],
  [
    'rule group defined twice',
    () => planPlatform(withRule({ groups: [{ name: 'g', rules: [{ record: 'a', expr: 'up' }] }, { name: 'g', rules: [{ record: 'b', expr: 'up' }] }] })),
    'ballast/monitoring/rules: rule group "g" is defined twice. Give every group a unique name.',
  ],
  [
    'dashboard without a uid',
    () => {
      const p = testPlatform();
      new GrafanaDashboard(new KubePrometheusStack(p, 'monitoring'), 'board', { dashboard: { title: 'No uid' } });
      planPlatform(p);
    },
    'ballast/monitoring/board: the dashboard uid "" is missing or not valid. Give the dashboard a fixed uid of at most 40 letters, digits, "-" or "_".',
  ],
  [
    'community dashboard listed twice',
    () => new KubePrometheusStack(testPlatform(), 'monitoring', { communityDashboards: [{ name: 'k6', id: 18030, revision: 8 }, { name: 'k6', id: 19665, revision: 3 }] }),
    'ballast/monitoring: community dashboard "k6" is listed twice. Give every community dashboard a unique name.',
  ],
  [
    'a read-only connection to a PostgreSQL cluster without replicas',
    () => {
      const p = testPlatform();
      const postgres = new PostgresCluster(p, 'postgres', { replicas: 0, metrics: false });
      const app = new Component(p, 'app', { namespace: 'app', tier: 'apps' });
      void postgres.addDatabase(app, 'articles').npgsqlReadOnly;
    },
    'ballast/app: it asks for a read-only connection to ballast/postgres, which has no read replica. Give the cluster replicas >= 1, or use the read-write connection.',
  ],
  [
    'a database name that is not a PostgreSQL identifier',
    () => {
      const p = testPlatform();
      new PostgresCluster(p, 'postgres', { metrics: false }).addDatabase(new Component(p, 'app', { namespace: 'app' }), 'my-db');
    },
    'ballast/app: database name "my-db" is not a PostgreSQL identifier. Use lowercase letters, digits and "_", starting with a letter, at most 63 characters, not starting with "pg_".',
  ],
  [
    'two consumers claiming the same database',
    () => {
      const p = testPlatform();
      const postgres = new PostgresCluster(p, 'postgres', { metrics: false });
      postgres.addDatabase(new Component(p, 'a', { namespace: 'a' }), 'shared');
      postgres.addDatabase(new Component(p, 'b', { namespace: 'b' }), 'shared', { user: 'b' });
    },
    'ballast/b: database "shared" of ballast/postgres is already used by ballast/a. Give each consumer its own database.',
  ],
  [
    'a PostgreSQL storage size that is not whole bytes',
    () => new PostgresCluster(testPlatform(), 'postgres', { storageSize: Size.mebibytes(0.1) }),
    'ballast/postgres: storageSize is 104857.6 bytes, not a whole number of bytes. Use a cdk8s Size of whole bytes, e.g. Size.gibibytes(20) or Size.mebibytes(512).',
  ],
  [
    'PostgreSQL on a node pool that does not exist',
    () => new PostgresCluster(testPlatform(), 'postgres', { nodePool: 'storage' }),
    'ballast/postgres: unknown node pool "storage". Use one of the pools in the platform config (monitor) or add "storage" to nodePools.',
  ],
  [
    'deployAfter cycle between two components',
    () => {
      const p = testPlatform();
      const x = new Traefik(p, 'x', { namespace: 'x' });
      const y = new KubePrometheusStack(p, 'y');
      x.deployAfter(y);
      y.deployAfter(x);
      planPlatform(p);
    },
    'ballast/x: its deployAfter calls form a cycle (ballast/x -> ballast/y -> ballast/x). Remove one of the deployAfter calls in this cycle.',
  ],
  [
    'deployAfter cycle through three Terraform components',
    () => {
      const p = testPlatform();
      const [a, b, c] = ['a', 'b', 'c'].map((id) => new ChartComponent(p, id, id, id));
      a.deployAfter(b);
      b.deployAfter(c);
      c.deployAfter(a);
      planPlatform(p);
    },
    expect.stringContaining(
      'ballast/a: its deployAfter calls form a cycle (ballast/a -> ballast/b -> ballast/c -> ballast/a). Remove one of the deployAfter calls in this cycle.',
    ),
  ],
  [
    'node pool label key that is not a label key',
    () => testPlatform({ nodePools: [{ name: 'a', labels: { 'bad key!': 'a' } }] }),
    'ballast: node pool "a" has the label key "bad key!", which is not a valid Kubernetes label key. Use an optional DNS prefix and "/", then at most 63 letters, digits, "-", "_" or "." (e.g. "node.example.com/pool").',
  ],
  [
    'node pool label value and taint key that are not valid',
    () => testPlatform({ nodePools: [{ name: 'a', labels: { pool: 'a b' }, taints: [{ key: 'Bad/', effect: 'NoSchedule' }] }] }),
    'ballast: node pool "a" has the label "pool" with value "a b", which is not a valid label value. Use at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit.\n' +
      'ballast: node pool "a" has a taint with key "Bad/", which is not a valid Kubernetes taint key. Use an optional DNS prefix and "/", then at most 63 letters, digits, "-", "_" or ".".',
  ],
  [
    'two IngressRoutes answering the same host and path',
    () => {
      const p = testPlatform();
      const t = new Traefik(p, 'traefik');
      const app = new Component(p, 'app', { namespace: 'app', tier: 'apps' });
      new IngressRoute(app, 'web', { host: 'app.example.com', pathPrefix: '/api', backend: { name: 'web', port: 80 } });
      new IngressRoute(t, 'shadow', { host: 'app.example.com', pathPrefix: '/api', backend: { name: 'other', port: 80 } });
      planPlatform(p);
    },
    'ballast/traefik: IngressRoute "shadow" of ballast/traefik answers host "app.example.com" with PathPrefix(/api), as IngressRoute "web" of ballast/app already does. Give one of the routes another host or path prefix.',
  ],
];

/**
 * `build` must fail synth with a ValidationError whose message is `message`: thrown by it, or recorded by
 * the props of the construct it returns and reported when the platform is planned.
 */
function expectRefused(build: () => unknown, message: string | ReturnType<typeof expect.stringContaining>): void {
  expect(problemOf(build)).toEqual(message);
}

test.each(cases)('%s', (_name, build, message) => expectRefused(build, message));

// Synth checks values against the chart's values.schema.json only when it has the reference data.
needsReferenceData("extraValues against the chart's values.schema.json at synth").test('extraValues that contradict the chart schema', () =>
  expectRefused(
    () => {
      const p = testPlatform();
      new Traefik(p, 'traefik', { extraValues: { deployment: { replicas: 'two' }, replicaCount: 2 } });
      planPlatform(p);
    },
    'ballast/traefik: the values of chart traefik 41.3.0 break its values.schema.json: deployment.replicas: instance type "string" is invalid, expected "integer", "null"; replicaCount is not a value the chart knows. Correct these values in the component\'s props or extraValues.',
  ),
);

test('all config problems are reported at once', () => {
  expect(() => new Platform(new App(), 'ballast', testConfig({ domain: '', clusterName: 'A' }))).toThrow(
    'ballast: domain is empty. Set domain to the DNS domain the platform serves, e.g. "example.com".\n' +
      'ballast: clusterName "A" is not a valid DNS label. Use at most 63 lowercase letters, digits and "-", e.g. "production".',
  );
});
