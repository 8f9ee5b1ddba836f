// PostgreSQL (CloudNativePG) and SonarQube on it, as the components write them.
import * as path from 'path';
import {
  CloudNativePg,
  Component,
  KubePrometheusStack,
  Manifest,
  planPlatform,
  PostgresCluster,
  PRUNE_DISABLED,
  Size,
  SonarQube,
  terraformObjects,
} from '../../lib/internal';
import { crossReferences, outputUrlsOf } from '../support/charts/cross-references';
import { operatorObjects } from '../support/charts/operator-objects';
import { rolloutOrder } from '../support/e2e/rollout';
import { testPlatform } from '../support/platforms';
import { defaultPlan, fluxObjects, readTree, synthToTemp, terraformJson } from '../support/synth';

function database(props: ConstructorParameters<typeof PostgresCluster>[2] = {}) {
  const platform = testPlatform({ nodePools: [{ name: 'storage', labels: { pool: 'storage' }, taints: [{ key: 'pool', value: 'storage', effect: 'NoSchedule' }] }] });
  new CloudNativePg(platform, 'cnpg');
  new KubePrometheusStack(platform, 'monitoring');
  const postgres = new PostgresCluster(platform, 'postgres', props);
  return { platform, postgres };
}
const cluster = (postgres: PostgresCluster) => (postgres.manifests() as Manifest[]).find((m) => m.kind === 'Cluster') as any;

test('a Cluster with one primary and N replicas on different nodes of the pool, never pruned', () => {
  const { postgres } = database({ replicas: 2, nodePool: 'storage', storageSize: Size.gibibytes(50), storageClassName: 'fast' });
  const c = cluster(postgres);
  expect(c.metadata.annotations).toEqual(PRUNE_DISABLED);
  expect(c.spec).toMatchObject({
    instances: 3,
    storage: { size: '50Gi', storageClass: 'fast' },
    affinity: {
      enablePodAntiAffinity: true,
      podAntiAffinityType: 'required',
      topologyKey: 'kubernetes.io/hostname',
      nodeSelector: { pool: 'storage' },
      tolerations: [{ key: 'pool', operator: 'Equal', value: 'storage', effect: 'NoSchedule' }],
    },
  });
  expect(c.spec.managed).toBeUndefined();
  expect(postgres.stateful).toBe(true);
  const monitor = (postgres.manifests() as Manifest[]).find((m) => m.kind === 'PodMonitor') as any;
  expect(monitor.spec).toEqual({ selector: { matchLabels: { 'cnpg.io/cluster': 'postgres' } }, podMetricsEndpoints: [{ port: 'metrics', path: '/metrics' }] });
});

test('addDatabase: a Database, a managed role, its credentials where CloudNativePG and the consumer read them, and connection strings without the password', () => {
  const { platform, postgres } = database();
  const app = new Component(platform, 'app', { namespace: 'apps', tier: 'apps' });
  const db = postgres.addDatabase(app, 'articles', { user: 'articles_api' });
  expect((postgres.manifests() as Manifest[]).find((m) => m.kind === 'Database')).toEqual({
    apiVersion: 'postgresql.cnpg.io/v1',
    kind: 'Database',
    metadata: { name: 'postgres-articles', namespace: 'database', annotations: PRUNE_DISABLED },
    spec: { name: 'articles', owner: 'articles_api', cluster: { name: 'postgres' }, ensure: 'present', databaseReclaimPolicy: 'retain' },
  });
  expect(cluster(postgres).spec.managed).toEqual({
    roles: [{ name: 'articles_api', ensure: 'present', login: true, passwordSecret: { name: 'postgres-articles-api-credentials' } }],
  });
  const secrets = terraformObjects(planPlatform(platform), (v) => `<${v.variable}>`).secrets;
  expect(secrets.filter((s) => s.metadata.name === 'postgres-articles-api-credentials')).toEqual([
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'postgres-articles-api-credentials', namespace: 'apps' },
      type: 'kubernetes.io/basic-auth',
      stringData: { username: 'articles_api', password: '<articles_db_password>' },
    },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'postgres-articles-api-credentials', namespace: 'database', labels: { 'cnpg.io/reload': 'true' } },
      type: 'kubernetes.io/basic-auth',
      stringData: { username: 'articles_api', password: '<articles_db_password>' },
    },
  ]);
  const rw = 'postgres-rw.database.svc.cluster.local';
  const ro = 'postgres-ro.database.svc.cluster.local';
  expect({ ...db, env: undefined }).toMatchObject({
    database: 'articles',
    user: 'articles_api',
    secret: { name: 'postgres-articles-api-credentials', usernameKey: 'username', passwordKey: 'password' },
    readWriteHost: rw,
    port: 5432,
    jdbcUrl: `jdbc:postgresql://${rw}:5432/articles`,
    uri: `postgresql://articles_api:$(DATABASE_PASSWORD)@${rw}:5432/articles`,
    npgsql: `Host=${rw};Port=5432;Database=articles;Username=articles_api;Password=$(DATABASE_PASSWORD)`,
  });
  expect([db.readOnlyHost, db.jdbcReadOnlyUrl, db.npgsqlReadOnly]).toEqual([
    ro,
    `jdbc:postgresql://${ro}:5432/articles`,
    `Host=${ro};Port=5432;Database=articles;Username=articles_api;Password=$(DATABASE_PASSWORD)`,
  ]);
  // The password variable comes first, so Kubernetes can expand $(DATABASE_PASSWORD) in what follows.
  expect(db.env({ ConnectionStrings__DefaultConnection: db.npgsql })).toEqual([
    { name: 'DATABASE_PASSWORD', valueFrom: { secretKeyRef: { name: 'postgres-articles-api-credentials', key: 'password' } } },
    { name: 'ConnectionStrings__DefaultConnection', value: db.npgsql },
  ]);
});

test('the password is in no connection string and, in plaintext, nowhere in dist/ (Terraform variable, or generated and encrypted)', () => {
  // With Terraform secrets: a sensitive variable, validated because connection strings embed it as it is.
  const { platform, postgres } = database();
  const app = new Component(platform, 'app', { namespace: 'apps' });
  const db = postgres.addDatabase(app, 'sonarqube');
  expect(JSON.stringify({ ...db })).not.toMatch(/sonarqube_db_password|password=(?!\$\()/i);
  const tfDir = path.join(synthToTemp(platform), 'cdktf');
  expect(terraformJson(tfDir).variable.sonarqube_db_password).toMatchObject({
    sensitive: true,
    validation: [{ condition: '${can(regex("^[A-Za-z0-9._~-]{16,}$", var.sonarqube_db_password))}', error_message: expect.stringContaining('no escaping') }],
  });
  // The default platform's database Secrets go to Git: the generated password is encrypted there.
  const { plan } = defaultPlan();
  const password = plan.flux.flatMap((p) => p.encryptedSecrets).find((s) => s.metadata.name === 'postgres-sonarqube-credentials')!.stringData as { password: string };
  expect(password.password).toMatch(/^[A-Za-z0-9_-]{32}$/);
  const tree = Object.values(readTree(synthToTemp())).join();
  expect(tree).not.toContain(password.password);
  expect(tree).not.toContain(Buffer.from(password.password).toString('base64').replace(/=+$/, ''));
});

test('every object that holds data is protected from a prune and a destroy', () => {
  const { plan } = defaultPlan();
  const dir = synthToTemp();
  const objects = fluxObjects(path.join(dir, 'flux')).map((o) => o.object);
  const stateful = plan.components.filter((c) => c.stateful);
  expect(stateful.map((c) => c.node.path).sort()).toEqual(['ballast/monitoring', 'ballast/postgres']);
  const unprotected = objects
    .filter((o) => ['Cluster', 'Database'].includes(o.kind) || (o.kind === 'HelmRelease' && stateful.some((c) => c.namespace === o.metadata.namespace)))
    .filter((o) => (o.metadata.annotations as Record<string, string> | undefined)?.['kustomize.toolkit.fluxcd.io/prune'] !== 'disabled')
    .map((o) => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`);
  expect(unprotected).toEqual([]);
  expect(objects.filter((o) => ['Cluster', 'Database'].includes(o.kind)).map((o) => o.metadata.name)).toEqual(['postgres', 'postgres-sonarqube', 'postgres-articles']);
  // Their namespaces: Terraform's refuse to be destroyed, Flux's are never pruned.
  const tf = terraformJson(path.join(dir, 'cdktf'));
  for (const c of stateful) {
    const ns = plan.namespaces.find((n) => n.name === c.namespace)!;
    if (ns.owner === 'terraform') expect(tf.resource.kubernetes_namespace_v1[`namespace_${ns.name}`].lifecycle).toMatchObject({ prevent_destroy: true });
    else expect(objects.find((o) => o.kind === 'Namespace' && o.metadata.name === ns.name)!.metadata.annotations).toMatchObject(PRUNE_DISABLED);
  }
  // The role credentials the retained Cluster names (managed.roles[].passwordSecret) stay with it: a Git
  // Secret is never pruned (its annotation is outside the encrypted values), a Terraform one never destroyed.
  const cluster = objects.find((o) => o.kind === 'Cluster')! as any;
  const roleSecrets = cluster.spec.managed.roles.map((r: any) => `database/${r.passwordSecret.name}`).sort();
  expect(roleSecrets).toEqual(['database/postgres-articles-credentials', 'database/postgres-sonarqube-credentials']);
  const gitSecrets = plan.flux.flatMap((p) => p.encryptedSecrets).filter((s) => roleSecrets.includes(`${s.metadata.namespace}/${s.metadata.name}`));
  expect(gitSecrets.map((s) => s.metadata.annotations)).toEqual([PRUNE_DISABLED, PRUNE_DISABLED]);
  const files = Object.values(readTree(path.join(dir, 'flux'))).join('\n---\n');
  for (const name of roleSecrets) {
    expect(files).toMatch(new RegExp(`name: ${name.split('/')[1]}\\n  namespace: database\\n(  labels:\\n(    .*\\n)+)?  annotations:\\n    kustomize.toolkit.fluxcd.io/prune: disabled\\n`));
  }
  // ...while the consumers' copies follow their consumers.
  expect(plan.flux.flatMap((p) => p.encryptedSecrets).filter((s) => s.metadata.namespace !== 'database').every((s) => s.metadata.annotations === undefined)).toBe(true);
});

test("SonarQube: the current chart's settings, the JDBC URL of its own database, its password from the role's Secret", () => {
  const { platform } = defaultPlan();
  const sonar = platform.node.findChild('sonarqube') as SonarQube;
  expect(sonar.helmChart!.values).toMatchObject({
    community: { enabled: true },
    monitoringPasscodeSecretName: 'sonarqube-monitoring',
    monitoringPasscodeSecretKey: 'passcode',
    jdbcOverwrite: {
      enabled: true,
      jdbcUrl: 'jdbc:postgresql://postgres-rw.database.svc.cluster.local:5432/sonarqube',
      jdbcUsername: 'sonarqube',
      jdbcSecretName: 'postgres-sonarqube-credentials',
      jdbcSecretPasswordKey: 'password',
    },
    resources: { requests: { cpu: '500m', memory: '2Gi' }, limits: { cpu: '1', memory: '2Gi' } },
    prometheusMonitoring: { podMonitor: { enabled: true } },
  });
  expect((sonar.helmChart!.values as Record<string, unknown>).edition).toBeUndefined();
  const route = (sonar.manifests() as Manifest[]).find((m) => m.kind === 'IngressRoute') as any;
  expect(route.spec.routes[0].services).toEqual([{ kind: 'Service', name: 'sonarqube-sonarqube', port: 9000 }]);
  expect(sonar.url).toBe('https://sonarqube.platform.example.com');
});

test("what ballast points at in the database resolves to what CloudNativePG creates: Services of the URLs, the monitor's pods and port", () => {
  const { platform, plan } = defaultPlan();
  const rollout = rolloutOrder(plan, path.join(synthToTemp(platform), 'flux'));
  // Dashboards (the database's, the runbooks of its alerts) point at Grafana's sidecar and datasource, which
  // only Grafana's chart renders (the chart tier checks them).
  const objects = [...rollout, ...operatorObjects(rollout)].filter((o) => !(o.object.kind === 'ConfigMap' && (o.object.metadata as { labels?: Record<string, string> }).labels?.grafana_dashboard === '1'));
  const urls = outputUrlsOf(plan.components);
  const dbUrls = urls.filter((u) => u.component === 'ballast/postgres');
  expect(dbUrls.map((u) => u.url)).toEqual([
    'postgresql://postgres-rw.database.svc.cluster.local:5432/sonarqube',
    'postgresql://postgres-ro.database.svc.cluster.local:5432/sonarqube',
    'postgresql://postgres-rw.database.svc.cluster.local:5432/articles',
    'postgresql://postgres-ro.database.svc.cluster.local:5432/articles',
  ]);
  // Only what points into the database: the rest needs the charts (the chart tier checks it).
  const problems = crossReferences(objects, dbUrls).filter((p) => p.includes('postgres'));
  expect(problems).toEqual([]);
  // And the check sees a monitor that selects no instance of the cluster.
  const broken = objects.map((o) =>
    o.object.kind === 'PodMonitor' && o.object.metadata.name === 'postgres'
      ? { ...o, object: { ...o.object, spec: { selector: { matchLabels: { 'cnpg.io/cluster': 'postgresql' } }, podMetricsEndpoints: [{ port: 'metrics' }] } } }
      : o,
  );
  expect(crossReferences(broken, dbUrls).filter((p) => p.includes('postgres'))).toEqual([expect.stringContaining('PodMonitor database/postgres selects pods {cnpg.io/cluster=postgresql}')]);
});

test('the default platform runs PostgreSQL with one replica on the storage pool, SonarQube on it, both by Flux', () => {
  const { platform } = defaultPlan();
  const postgres = platform.node.findChild('postgres') as PostgresCluster;
  expect(postgres.replicas).toBe(1);
  expect(cluster(postgres).spec.affinity.nodeSelector).toEqual({ 'node.ballast.dev/pool': 'storage' });
  for (const id of ['cnpg', 'postgres', 'sonarqube']) expect((platform.node.findChild(id) as Component).deployWith).toBe('flux');
});
