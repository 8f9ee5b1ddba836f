// Building on what the cluster already has: add-ons another team installed (a Traefik, a Prometheus,
// cert-manager's CRDs) are referenced through the same interfaces ballast's own components implement, and
// a Secret an object names must be created by a component or declared as existing.
import { ApiObject } from 'cdk8s';
import * as path from 'path';
import { Component, Keda, KedaScaler, KubePrometheusStack, Manifest, Platform, PostgresCluster, SecretValue, Traefik, WebService } from '../../lib';
import { testPlatform } from '../support/platforms';
import { problemOf } from '../support/problems';
import { fluxObjects, plannedAndSaved, synthToTemp } from '../support/synth';

/** A component of the user's own with one cert-manager Certificate. */
class Certificates extends Component {
  constructor(scope: Platform) {
    super(scope, 'certificates', { namespace: 'apps-tls', tier: 'apps' });
    new ApiObject(this, 'api', {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: { name: 'api' },
      spec: { secretName: 'api-tls', dnsNames: ['api.example.com'], issuerRef: { kind: 'ClusterIssuer', name: 'letsencrypt' } },
    });
  }
}
const objects = (platform: Platform) => fluxObjects(path.join(synthToTemp(platform), 'flux'));
const find = (platform: Platform, kind: string) => objects(platform).filter((o) => o.object.kind === kind);

test('a Certificate for the cluster\'s own cert-manager: refused until its CRDs are declared installed', () => {
  const without = testPlatform({}, { issuer: false });
  new Certificates(without);
  expect(problemOf(() => plannedAndSaved(without))).toBe(
    "ballast/certificates: no component installs the CRD of Certificate \"api\" (cert-manager.io/v1). Add the component whose chart installs the cert-manager.io CRDs, or declare them with platform.assumeInstalled({ crdGroups: ['cert-manager.io'] }) when the cluster has them.",
  );
  const platform = testPlatform({}, { issuer: false });
  platform.assumeInstalled({ crdGroups: ['cert-manager.io'] });
  new Certificates(platform);
  expect(find(platform, 'Certificate').map((o) => [o.file, o.object.metadata.namespace])).toEqual([['apps/certificates.yaml', 'apps-tls']]);
});

test('a WebService and its KEDA scaler on a Prometheus that already runs: by URL, its CRDs assumed', () => {
  const platform = testPlatform();
  const prometheus = KubePrometheusStack.fromExisting(platform, 'prometheus', {
    queryUrl: 'http://prometheus-operated.observability.svc.cluster.local:9090',
    remoteWriteUrl: 'http://prometheus-operated.observability.svc.cluster.local:9090/api/v1/write',
  });
  new Keda(platform, 'keda');
  const api = new WebService(platform, 'api', { image: 'ghcr.io/acme/api:1.0.0' });
  new KedaScaler(api, 'scaler', { target: api, maxReplicas: 5, trigger: { prometheus, query: 'sum(rate(http_requests_total[1m]))', threshold: 50 } });
  const all = objects(platform);
  expect(all.filter((o) => o.object.kind === 'ServiceMonitor').map((o) => o.file)).toEqual(['apps/api.yaml']);
  const scaled = all.find((o) => o.object.kind === 'ScaledObject')!.object as Manifest & { spec: { triggers: { metadata: { serverAddress?: string } }[] } };
  expect(scaled.spec.triggers.map((t) => t.metadata.serverAddress).filter(Boolean)).toEqual([prometheus.queryUrl]);
});

test('a bare WebService without any Prometheus says what to do', () => {
  const platform = testPlatform();
  new WebService(platform, 'api', { image: 'ghcr.io/acme/api:1.0.0' });
  expect(problemOf(() => plannedAndSaved(platform))).toContain("ballast/api: no component installs the CRD of ServiceMonitor \"api\" (monitoring.coreos.com/v1). Add the component whose chart installs the monitoring.coreos.com CRDs, or declare them with platform.assumeInstalled({ crdGroups: ['monitoring.coreos.com'] })");
});

test('Grafana and Prometheus routed through a Traefik that already runs, with its own admin middlewares', () => {
  const platform = testPlatform();
  const ingress = Traefik.fromExisting(platform, 'traefik', { namespace: 'ingress', adminMiddlewares: [{ name: 'office-only', namespace: 'ingress' }, { name: 'sso', namespace: 'ingress' }] });
  new KubePrometheusStack(platform, 'monitoring', { ingress });
  const routes = find(platform, 'IngressRoute').map((o) => o.object as Manifest & { spec: { routes: { middlewares?: unknown }[] } });
  expect(routes.map((r) => [r.metadata.name, r.spec.routes[0].middlewares])).toEqual([
    ['grafana', [{ name: 'office-only', namespace: 'ingress' }]],
    ['prometheus', [{ name: 'office-only', namespace: 'ingress' }, { name: 'sso', namespace: 'ingress' }]],
  ]);
  // No Traefik release of ours: only the monitoring stack's.
  expect(find(platform, 'HelmRelease').map((o) => o.object.metadata.name)).toEqual(['kube-prometheus-stack']);
});

test('importers check what they are given', () => {
  expect(problemOf(() => KubePrometheusStack.fromExisting(testPlatform(), 'prometheus', { queryUrl: 'prometheus:9090', remoteWriteUrl: 'http://p/api/v1/write' }))).toBe(
    'ballast: KubePrometheusStack.fromExisting has queryUrl "prometheus:9090". Give its in-cluster http(s) URL.',
  );
  expect(problemOf(() => Traefik.fromExisting(testPlatform(), 'traefik', {} as never))).toBe('ballast: Traefik.fromExisting needs adminMiddlewares. Name the middlewares admin routes go through, or [] to leave them open on purpose.');
  expect(problemOf(() => testPlatform().assumeInstalled({ crdGroups: ['certmanager'] }))).toBe('ballast: assumeInstalled has the CRD group "certmanager". Name an API group such as "cert-manager.io".');
  expect(problemOf(() => testPlatform().assumeInstalled({ secrets: ['registry'] }))).toBe('ballast: assumeInstalled has the secret "registry". Name it as "<namespace>/<name>", e.g. "apps/registry-credentials".');
});

describe('a Secret an object names must exist', () => {
  const service = (platform: Platform, props: Partial<ConstructorParameters<typeof WebService>[2]> = {}) =>
    new WebService(platform, 'api', { image: 'ghcr.io/acme/api:1.0.0', metricsPath: false, ...props });

  test('an image pull secret nothing creates is refused', () => {
    const platform = testPlatform();
    service(platform, { imagePullSecret: 'registry' });
    expect(problemOf(() => plannedAndSaved(platform))).toBe(
      "ballast/api: imagePullSecret names the Secret \"api/registry\", which no component creates. Create it with addBootstrapSecret and SecretValue inputs, or declare it with platform.assumeInstalled({ secrets: ['api/registry'] }) when it exists already.",
    );
  });

  test('one the cluster has, declared', () => {
    const platform = testPlatform();
    platform.assumeInstalled({ secrets: ['api/registry'] });
    service(platform, { imagePullSecret: 'registry' });
    expect(find(platform, 'Deployment')[0].object).toEqual(expect.objectContaining({ spec: expect.objectContaining({ template: expect.objectContaining({ spec: expect.objectContaining({ imagePullSecrets: [{ name: 'registry' }] }) }) }) }));
  });

  test('one a component creates', () => {
    const platform = testPlatform();
    const api = service(platform, { imagePullSecret: 'registry' });
    api.addBootstrapSecret('registry', { '.dockerconfigjson': SecretValue.fromVariable('registry_auth', 'Docker config of the registry.') }, { type: 'kubernetes.io/dockerconfigjson' });
    expect(() => plannedAndSaved(platform)).not.toThrow();
  });

  test('a secretKeyRef of an env value to a Secret nothing creates', () => {
    const platform = testPlatform();
    service(platform, { env: { TOKEN: { secretName: 'api-token', key: 'token' } } });
    expect(problemOf(() => plannedAndSaved(platform))).toContain('ballast/api: env TOKEN names the Secret "api/api-token", which no component creates.');
  });
});

test('a WebService on a PostgreSQL cluster that already runs: its owners made the role and database, the service gets the connection', () => {
  const platform = testPlatform();
  const db = PostgresCluster.fromExisting(platform, 'shared-db', { clusterName: 'shared', namespace: 'data', readReplicas: true });
  const password = SecretValue.fromEnv('ORDERS_DB_PASSWORD');
  const api = new WebService(platform, 'api', { image: 'ghcr.io/acme/api:1.0.0', metricsPath: false, database: { cluster: db, name: 'orders', password, env: (c) => ({ DB: c.npgsqlReadOnly }) } });
  expect(api.connection?.readWriteHost).toBe('shared-rw.data.svc.cluster.local');
  expect(api.connection?.npgsqlReadOnly).toBe('Host=shared-ro.data.svc.cluster.local;Port=5432;Database=orders;Username=orders;Password=$(DATABASE_PASSWORD)');
  // Mutation: an addDatabase that skips the consumer's Secret leaves the password variable without a source.
  expect(api.bootstrapSecrets.map((s) => s.name)).toEqual(['shared-orders-credentials']);
});

test('a database of an existing PostgreSQL cluster without the role\'s password says that ballast cannot create the role', () => {
  const platform = testPlatform();
  const db = PostgresCluster.fromExisting(platform, 'shared-db', { clusterName: 'shared', namespace: 'data' });
  // Mutation: an addDatabase that goes on without a password writes a Secret without one.
  expect(problemOf(() => new WebService(platform, 'api', { image: 'ghcr.io/acme/api:1.0.0', metricsPath: false, database: { cluster: db, name: 'orders', env: () => ({}) } }))).toBe(
    'ballast/api: the existing PostgreSQL cluster shared in namespace data is not managed by this platform, so ballast cannot create the role "orders" or the database "orders" in it. Have the cluster\'s owners create both, and give addDatabase (or the WebService\'s database) the role\'s password: { password: SecretValue.fromEnv(...) }.',
  );
  const ok = new WebService(platform, 'ok', { image: 'ghcr.io/acme/api:1.0.0', metricsPath: false, database: { cluster: db, name: 'orders', password: SecretValue.fromEnv('P'), env: () => ({}) } });
  // No read replica declared: a read-only connection is refused.
  expect(problemOf(() => ok.connection!.readOnlyHost)).toContain('which has no read replica (readReplicas is false)');
});
