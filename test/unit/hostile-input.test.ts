// Hostile and borderline input through the public API: every case is refused at synth with
// `<construct path>: <what is wrong>. <fix>.`, or accepted and rendered right. No case crashes, and the
// canary secret never reaches the output or a message, in plain text, base64, hex or URL-encoded.
import * as path from 'path';
import {
  AlertSeverity,
  catalog,
  CatalogChart,
  CloudNativePg,
  Component,
  ContainerResources,
  Flux,
  LoadOptions,
  LoadTest,
  packageRoot,
  Platform,
  PostgresCluster,
  PrometheusRule,
  SecretValue,
  SonarQube,
  Traefik,
} from '../../lib/internal';
import { Construct } from 'constructs';
import { Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-27';
import { Bare, canary, canarySightings, CANARY, CANARY_ENV, encodedForms, HOSTILE_CLASSES, HostileCase, runCase } from '../support/hostile';
import { escapeHatchCases } from './hostile/escape-hatches.cases';
import { cliCases } from './hostile/cli.cases';
import { fileCases } from './hostile/files.cases';
import { consumerValueCases } from './hostile/consumer-values.cases';
import { accepted, monitoring, objects, refused, service } from '../support/hostile-builders';

const script = path.join(packageRoot(), 'loadtests', 'articles-crawl.ts');

const find = (tree: Record<string, string>, kind: string, name?: string) =>
  objects(tree).filter((o) => o.kind === kind && o.apiVersion !== 'kustomize.config.k8s.io/v1beta1' && (name === undefined || o.metadata.name === name));
const stack = (tree: Record<string, string>) => JSON.parse(tree['cdktf/stacks/ballast/cdk.tf.json']);

function loadTest(platform: Platform, options: LoadOptions | Record<string, unknown>, extra: Record<string, unknown> = {}): void {
  const prometheus = monitoring(platform);
  const target = service(platform, { metricsPath: '/metrics' });
  new LoadTest(platform, 'smoke', { script, target, prometheus, via: 'service', options: options as LoadOptions, ...extra });
}
function rule(platform: Platform, severity: string, labels?: Record<string, string>): void {
  const stack = monitoring(platform);
  new PrometheusRule(stack, 'rules', {
    groups: [{ name: 'g', rules: [{ alert: 'Down', expr: 'up == 0', severity: severity as AlertSeverity, summary: 's', ...(labels ? { labels } : {}) }] }],
  });
}
/** A database `name` of a PostgreSQL cluster for a consumer component. */
function database(platform: Platform, name: string, clusterName?: string, id = 'postgres', namespace?: string): PostgresCluster {
  if (!platform.node.tryFindChild('cnpg')) new CloudNativePg(platform, 'cnpg');
  const cluster = new PostgresCluster(platform, id, { clusterName, namespace, metrics: false });
  cluster.addDatabase(new Bare(platform, `${id}-app`), name);
  return cluster;
}
/** A chart without CRDs (and without reference data: its values are not checked). */
const podinfo: CatalogChart = { chart: 'podinfo', version: '6.7.1', repository: { name: 'podinfo', url: 'https://stefanprodan.github.io/podinfo', type: 'default' } };
const git = (extra: Record<string, unknown>) => ({ git: { url: 'https://git.example.com/platform.git', ...extra } });

const cases: HostileCase[] = [];
const add = (cls: HostileCase['cls'], name: string, c: Omit<HostileCase, 'name' | 'cls'>) => cases.push({ cls, name, ...c });

// --- Secrets that would reach dist/ in plain text -------------------------------------------------------
for (const [name, url] of [
  ['a token as the user of an https git.url', `https://${encodeURIComponent(CANARY)}@github.com/acme/platform.git`],
  ['user and token in an https git.url', `https://git:${encodeURIComponent(CANARY)}@github.com/acme/platform.git`],
  ['a token in the query of git.url', `https://github.com/acme/platform.git?access_token=${encodeURIComponent(CANARY)}`],
  ['a password in an ssh git.url', `ssh://git:${encodeURIComponent(CANARY)}@github.com/acme/platform.git`],
  ['a private_token query parameter', `https://gitlab.example.com/acme/platform.git?private_token=${encodeURIComponent(CANARY)}`],
  ['an http git.url with a user', `http://${encodeURIComponent(CANARY)}@git.example.com/platform.git`],
] as const) {
  add('secret in plaintext', name, { config: git({ url }), expect: refused(/^ballast: git\.url holds a credential \(.*\), which would be written to the output in plain text\. Remove the credentials from the URL and set git\.auth/) });
}
for (const [name, url] of [
  ['a token in a chart repository URL', `https://${encodeURIComponent(CANARY)}@charts.example.com/stable`],
  ['a password in a chart repository URL', `https://ci:${encodeURIComponent(CANARY)}@charts.example.com/stable`],
  ['a token query in a chart repository URL', `https://charts.example.com/stable?token=${encodeURIComponent(CANARY)}`],
] as const) {
  add('secret in plaintext', name, {
    build: (p) => new Bare(p, 'app').chart({ ...podinfo, repository: { ...podinfo.repository, url } }),
    expect: refused('ballast/app: the repository URL of chart podinfo holds a credential ('),
  });
}
add('secret in plaintext', 'git.auth.password as a string', {
  config: git({ auth: { username: 'git', password: CANARY as unknown as SecretValue } }),
  expect: refused('ballast: git.auth.password is a string, not a SecretValue, and would be written to the output as it is. Pass SecretValue.fromVariable'),
});
add('secret in plaintext', 'git.auth.password as a number', {
  config: git({ auth: { username: 'git', password: 12345 as unknown as SecretValue } }),
  expect: refused('ballast: git.auth.password is a number, not a SecretValue'),
});
add('secret in plaintext', 'git.auth.password as an object that looks like a SecretValue', {
  config: git({ auth: { username: 'git', password: { source: { kind: 'env', name: CANARY_ENV } } as unknown as SecretValue } }),
  expect: refused('ballast: git.auth.password is a object, not a SecretValue'),
});
add('secret in plaintext', 'an addBootstrapSecret value as a string', {
  build: (p) => new Bare(p, 'app').secret('app-token', { token: CANARY }),
  expect: refused('ballast/app: secret "app-token" has the key "token" with a string value, not a SecretValue, which would be written to the output as it is. Pass SecretValue.fromVariable, fromEnv, fromFile or generated; put values that are not secret (a user name) in plainData.'),
});
add('secret in plaintext', 'an addBootstrapSecret value as a number', {
  build: (p) => new Bare(p, 'app').secret('app-token', { pin: 1234 }),
  expect: refused('ballast/app: secret "app-token" has the key "pin" with a number value, not a SecretValue'),
});
add('secret in plaintext', 'a password among the plain values of a Secret', {
  build: (p) => new Bare(p, 'app').secret('app-login', { token: canary() }, { username: 'app', password: CANARY }),
  expect: refused('ballast/app: secret "app-login" has the key "password" among its plain (not secret) values, but that key holds a secret. Move it to the secret data'),
});
add('secret in plaintext', 'a token among the plain values of a Secret', {
  build: (p) => new Bare(p, 'app').secret('app-login', { password: canary() }, { apiToken: CANARY }),
  expect: refused('ballast/app: secret "app-login" has the key "apiToken" among its plain (not secret) values'),
});
for (const [name, build, valuePath] of [
  ["Grafana's adminPassword in extraValues", (p: Platform) => monitoring(p, { extraValues: { grafana: { adminPassword: CANARY } } }), 'grafana.adminPassword'],
  ['a password in Traefik extraValues', (p: Platform) => new Traefik(p, 'traefik', { extraValues: { additionalArguments: [], auth: { password: CANARY } } }), 'auth.password'],
  ["SonarQube's account adminPassword in extraValues", (p: Platform) => new SonarQube(p, 'sonarqube', { database: new PostgresCluster(p, 'postgres', { metrics: false }), extraValues: { account: { adminPassword: CANARY } } }), 'account.adminPassword'],
  ['a token in extraValues', (p: Platform) => new Traefik(p, 'traefik', { extraValues: { metrics: { token: CANARY } } }), 'metrics.token'],
  ['a client secret in extraValues', (p: Platform) => monitoring(p, { extraValues: { grafana: { 'grafana.ini': { 'auth.generic_oauth': { client_secret: CANARY } } } } }), 'grafana.grafana.ini.auth.generic_oauth.client_secret'],
] as const) {
  add('secret in plaintext', name, { build, expect: refused(`extraValues.${valuePath} holds a secret`) });
}
add('secret in plaintext', 'a SecretValue inside extraValues', {
  build: (p) => monitoring(p, { extraValues: { grafana: { adminPassword: canary() as never } } }),
  expect: refused("ballast/monitoring: extraValues.grafana.adminPassword is a SecretValue, but chart values are written to the output as they are. Pass it as sensitiveValues: { 'grafana.adminPassword': <the SecretValue> }"),
});
add('secret in plaintext', 'a Secret in Traefik extraObjects', {
  build: (p) => new Traefik(p, 'traefik', { extraValues: { extraObjects: [{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, stringData: { token: CANARY } }] } }),
  expect: refused('ballast/traefik: extraValues.extraObjects.0 holds a Kubernetes Secret, whose values would be written to the output'),
});
add('secret in plaintext', 'a SecretList in extraManifests', {
  build: (p) => monitoring(p, { extraValues: { extraManifests: [{ apiVersion: 'v1', kind: 'SecretList', items: [{ kind: 'Secret', stringData: { t: CANARY } }] }] } }),
  expect: refused('extraValues.extraManifests.0 holds a Kubernetes SecretList'),
});
add('secret in plaintext', 'a Secret inside a v1 List', {
  build: (p) => new Bare(p, 'app').object('list', { apiVersion: 'v1', kind: 'List', metadata: { name: 'l' }, items: [{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, stringData: { token: CANARY } }] }),
  expect: refused('ballast/app: List "l" (v1) holds a Secret at items.0, whose values would be written to the output. Declare the Secret with addBootstrapSecret'),
});
add('secret in plaintext', 'a SecretList object', {
  build: (p) => new Bare(p, 'app').object('list', { apiVersion: 'v1', kind: 'SecretList', metadata: { name: 'l' }, items: [{ kind: 'Secret', data: { token: Buffer.from(CANARY).toString('base64') } }] }),
  expect: refused('ballast/app: SecretList "l" (v1) holds a Secret at items.0'),
});
add('secret in plaintext', 'a Secret inside a v1 List deployed by Terraform', {
  build: (p) => new Bare(p, 'app', { deployWith: 'terraform' }).object('list', { apiVersion: 'v1', kind: 'List', metadata: { name: 'l' }, items: [{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { token: Buffer.from(CANARY).toString('base64') } }] }),
  expect: refused('ballast/app: List "l" (v1) holds a Secret at items.0'),
});
add('secret in plaintext', 'a Secret object made with cdk8s', {
  build: (p) => new Bare(p, 'app').object('secret', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, stringData: { token: CANARY } }),
  expect: refused('ballast/app: it creates Secret "s" (v1), whose values would be written to the output. Declare it with addBootstrapSecret and SecretValue inputs instead.'),
});
add('secret in plaintext', 'a Secret nested in a custom resource', {
  build: (p) => {
    monitoring(p);
    new Bare(p, 'app', { tier: 'apps' }).object('probe', { apiVersion: 'monitoring.coreos.com/v1', kind: 'Probe', metadata: { name: 'p' }, spec: { template: { apiVersion: 'v1', kind: 'Secret', stringData: { t: CANARY } } } });
  },
  expect: refused('ballast/app: Probe "p" (monitoring.coreos.com/v1) holds a Secret at spec.template'),
});
add('secret in plaintext', 'a string as a sensitive chart value', {
  build: (p) => monitoring(p, { sensitiveValues: { 'grafana.adminPassword': CANARY as unknown as SecretValue } }),
  expect: refused('ballast/monitoring: sensitiveValues.grafana.adminPassword is a string, not a SecretValue'),
});
add('secret in plaintext', 'a sensitive chart value by reference is accepted', {
  build: (p) => monitoring(p, { sensitiveValues: { 'grafana.adminPassword': canary() } }),
  expect: accepted((tree) => {
    const release = find(tree, 'HelmRelease', 'kube-prometheus-stack')[0] as any;
    expect(release.spec.valuesFrom).toEqual(expect.arrayContaining([expect.objectContaining({ valuesKey: 'grafana.adminPassword', targetPath: 'grafana.adminPassword' })]));
  }),
});
add('secret in plaintext', 'a SecretValue as an env value goes through a Secret', {
  build: (p) => service(p, { env: { API_TOKEN: canary() } }),
  expect: accepted((tree) => {
    const container = (find(tree, 'Deployment', 'api')[0] as any).spec.template.spec.containers[0];
    expect(container.env).toEqual([{ name: 'API_TOKEN', valueFrom: { secretKeyRef: { name: 'api-env', key: 'API_TOKEN' } } }]);
    // The Secret itself is written where its value can travel (SOPS in Git, for a value synth reads).
    expect(Object.values(tree).some((t) => /name: api-env\n/.test(t) && t.includes('ENC[AES256_GCM'))).toBe(true);
  }),
});
add('secret in plaintext', 'a SecretValue as an env value, written to Git encrypted', {
  build: (p) => service(p, { env: { API_TOKEN: canary() }, secrets: 'sops' }),
  expect: accepted((tree) => expect(Object.entries(tree).some(([f, t]) => f.startsWith('flux/apps/') && t.includes('name: api-env') && t.includes('ENC[AES256_GCM'))).toBe(true)),
});
add('secret in plaintext', 'an env value that is neither a string nor a Secret key', {
  build: (p) => service(p, { env: { API_TOKEN: { value: CANARY } as never } }),
  expect: refused('ballast/api: env "API_TOKEN" is neither a string, a SecretValue nor a { secretName, key } of a Secret'),
});

// --- Secrets confused: one name, one secret ---------------------------------------------------------
add('secrets confused', 'one Terraform variable for two different secrets', {
  build: (p) => {
    new Bare(p, 'a').secret('a-creds', { password: SecretValue.fromVariable('shared', 'Password of a.') });
    new Bare(p, 'b').secret('b-creds', { password: SecretValue.fromVariable('shared', 'Token of b.') });
  },
  expect: refused(/^ballast\/b: the Terraform variable shared is used for two different secrets: ballast\/a \(Secret a\/a-creds, key password\) and ballast\/b \(Secret b\/b-creds, key password\) \(described as/),
});
add('secrets confused', "a user secret named like ballast's SOPS key variable", {
  build: (p) => new Bare(p, 'app').secret('app-db', { password: SecretValue.fromVariable('sops_age_key', 'Password of the app.') }),
  expect: refused('ballast/app: Terraform variable name "sops_age_key" is ballast\'s own (the age key Flux decrypts the repository with) (Secret app/app-db, key password). Choose another name for the secret.'),
});
add('secrets confused', "a user secret named like a component's default", {
  build: (p) => {
    monitoring(p);
    new Bare(p, 'app').secret('app-db', { password: SecretValue.fromVariable('grafana_admin_password', 'Password of the app.') });
  },
  expect: refused('the Terraform variable grafana_admin_password is used for two different secrets'),
});
add('secrets confused', 'generated(x) and generated(x, 40)', {
  build: (p) => {
    new Bare(p, 'a').secret('a-creds', { password: SecretValue.generated('token') });
    new Bare(p, 'b').secret('b-creds', { password: SecretValue.generated('token', 40) });
  },
  expect: refused('the generated secret token is used for two different secrets: ballast/a (Secret a/a-creds, key password) and ballast/b (Secret b/b-creds, key password) (lengths 32 and 40)'),
});
add('secrets confused', 'a generated secret shorter than 16 characters', {
  build: (p) => new Bare(p, 'a').secret('a-creds', { password: SecretValue.generated('pin', 8) }),
  expect: refused('ballast/a: generated secret pin has length 8 (Secret a/a-creds, key password). Use a whole number of characters from 16 to 4096.'),
});
add('secrets confused', 'a generated secret with a fractional length', {
  build: (p) => new Bare(p, 'a').secret('a-creds', { password: SecretValue.generated('pin', 20.5) }),
  expect: refused('generated secret pin has length 20.5'),
});
add('secrets confused', 'a generated secret whose name is a path', {
  build: (p) => new Bare(p, 'a').secret('a-creds', { password: SecretValue.generated('../pin') }),
  expect: refused('generated secret name "../pin" is not a name'),
});
add('secrets confused', 'two clusters named postgres with a database app each', {
  build: (p) => {
    database(p, 'app', undefined, 'pg-a', 'db-a');
    database(p, 'app', undefined, 'pg-b', 'db-b');
  },
  expect: refused('the Terraform variable app_db_password is used for two different secrets'),
});
add('secrets confused', 'two clusters of different names with a database app each get two passwords', {
  build: (p) => {
    database(p, 'app', 'orders', 'pg-a', 'db-a');
    database(p, 'app', 'billing', 'pg-b', 'db-b');
  },
  expect: accepted((tree) => expect(Object.keys(stack(tree).variable).filter((v) => v.endsWith('app_db_password')).sort()).toEqual(['billing_app_db_password', 'orders_app_db_password'])),
});
add('secrets confused', 'one SecretValue object shared by two components is one secret', {
  build: (p) => {
    const shared = SecretValue.fromVariable('shared_token', 'Token both read.');
    new Bare(p, 'a').secret('a-creds', { token: shared });
    new Bare(p, 'b').secret('b-creds', { token: shared });
  },
  expect: accepted((tree) => expect(Object.keys(stack(tree).variable)).toContain('shared_token')),
});
add('secrets confused', 'the same generated name twice with the same length is one secret', {
  build: (p) => {
    new Bare(p, 'a').secret('a-creds', { token: SecretValue.generated('shared_token') });
    new Bare(p, 'b').secret('b-creds', { token: SecretValue.generated('shared_token') });
  },
  expect: accepted(),
});
for (const name of ['kubeconfig_path', 'kube_context']) {
  add('secrets confused', `a variable named ${name}`, {
    build: (p) => new Bare(p, 'app').secret('app-creds', { password: SecretValue.fromVariable(name, 'A password.') }),
    expect: refused(`ballast/app: Terraform variable name "${name}" is the stack's own (the kubeconfig it reaches the cluster with) (Secret app/app-creds, key password). Choose another name for the secret.`),
  });
}
for (const name of ['db password', '1password', 'pass.word', '']) {
  add('secrets confused', `a Terraform variable named "${name}"`, {
    build: (p) => new Bare(p, 'app').secret('app-creds', { password: SecretValue.fromVariable(name, 'A password.') }),
    expect: refused(`Terraform variable name "${name}" is not a Terraform identifier`),
  });
}
add('secrets confused', 'an environment variable name with "="', {
  build: (p) => new Bare(p, 'app').secret('app-creds', { password: SecretValue.fromEnv('A=B') }),
  expect: refused('environment variable name "A=B" is not a variable name'),
});
add('secrets confused', 'two components declaring the same Secret in one namespace', {
  build: (p) => {
    new Bare(p, 'a', { namespace: 'shared' }).secret('creds', { token: canary() });
    new Bare(p, 'b', { namespace: 'shared' }).secret('creds', { token: canary() });
  },
  expect: refused('ballast/b: it creates Secret "shared/creds", which ballast/a creates too. Give one of them another name or namespace.'),
});

// --- Names -----------------------------------------------------------------------------------------
for (const [a, b] of [['api', 'API'], ['my_app', 'my-app'], ['My-App', 'my_app']] as const) {
  add('names', `component ids ${a} and ${b}`, {
    build: (p) => {
      new Bare(p, a, { namespace: 'one' }).object('cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } });
      new Bare(p, b, { namespace: 'two' }).object('cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b' } });
    },
    expect: refused(new RegExp(`^ballast/(${a}|${b}): its file in the Flux repository would be ${a.toLowerCase().replace('_', '-')}\\.yaml, like that of ballast/(${a}|${b})\\. Give the components ids that differ`)),
  });
}
add('names', 'a nested scope whose path gives the same file as an id with "-"', {
  build: (p) => {
    new Bare(new Construct(p, 'team'), 'api', { namespace: 'one' }).object('cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } });
    new Bare(p, 'team-api', { namespace: 'two' }).object('cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b' } });
  },
  expect: refused(/^ballast\/team(-|\/)api: its file in the Flux repository would be team-api\.yaml, like that of ballast\/team(-|\/)api\./),
});
add('names', 'the same object from two components', {
  build: (p) => {
    new Bare(p, 'a', { namespace: 'shared' }).object('cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' } });
    new Bare(p, 'b', { namespace: 'shared' }).object('cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' } });
  },
  expect: refused('ballast/b: it creates ConfigMap "shared/settings", which ballast/a creates too. Give one of them another name or namespace.'),
});
add('names', 'the same object twice in one component', {
  build: (p) => new Bare(p, 'a').object('one', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } }).object('two', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } }),
  expect: refused('ballast/a: it creates ConfigMap "a/x" twice. Create each object once.'),
});
add('names', 'the same object from a Flux and a Terraform component', {
  build: (p) => {
    new Bare(p, 'a', { namespace: 'shared' }).object('cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' } });
    new Bare(p, 'b', { namespace: 'shared', deployWith: 'terraform' }).object('cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' } });
  },
  expect: refused('it creates ConfigMap "shared/settings", which'),
});
add('names', 'objects of the same name and kind in two API groups are two objects', {
  build: (p) => {
    monitoring(p);
    new Bare(p, 'a', { namespace: 'shared', tier: 'apps' })
      .object('svc', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'x' }, spec: { ports: [{ port: 80 }] } })
      .object('sm', { apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor', metadata: { name: 'x' }, spec: { selector: {}, endpoints: [] } });
  },
  expect: accepted(),
});
for (const length of [101, 300]) {
  add('names', `a component id of ${length} characters`, {
    build: (p) => new Bare(p, 'a'.repeat(length), { namespace: 'app' }),
    expect: refused(`the component id is ${length} characters long. Use an id of 1 to 100 characters (it names the component's file).`),
  });
}
add('names', 'an empty component id', { build: (p) => new Bare(p, '', { namespace: 'app' }), expect: refused('the component id is 0 characters long') });
for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease', 'flux-system', 'kube-custom']) {
  add('names', `a component in the namespace ${ns}`, {
    build: (p) => new Bare(p, 'app', { namespace: ns }),
    expect: refused(`ballast/app: namespace "${ns}" is reserved for the cluster and Flux`),
  });
}
add('names', 'a WebService in kube-system', { build: (p) => service(p, { namespace: 'kube-system' }), expect: refused('ballast/api: namespace "kube-system" is reserved') });
add('names', 'a component allowed in kube-system: ballast neither creates nor owns that namespace', {
  build: (p) => new Bare(p, 'app', { namespace: 'kube-system', allowReservedNamespace: true }).object('cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } }),
  expect: accepted((tree) => {
    expect(find(tree, 'Namespace', 'kube-system')).toEqual([]);
    expect(Object.keys(stack(tree).resource?.kubernetes_namespace_v1 ?? {})).not.toContain('namespace_kube-system');
    expect(find(tree, 'ConfigMap', 'x')[0].metadata.namespace).toBe('kube-system');
  }),
});
add('names', 'a component allowed in default, deployed by Terraform', {
  build: (p) => new Bare(p, 'app', { namespace: 'default', allowReservedNamespace: true, deployWith: 'terraform' }).object('cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } }),
  expect: accepted((tree) => expect(Object.keys(stack(tree).resource?.kubernetes_namespace_v1 ?? {})).not.toContain('namespace_default')),
});
for (const [name, release] of [
  ['a release name of 54 characters', 'r'.repeat(54)],
  ['a release name with capitals', 'Traefik'],
  ['a release name with "_"', 'my_release'],
  ['a release name ending in "-"', 'traefik-'],
] as const) {
  add('names', name, { build: (p) => new Bare(p, 'app').chart(catalog.keda, {}, { releaseName: release }), expect: refused(`ballast/app: release name "${release}" is not a Helm release name. Use at most 53`) });
}
add('names', 'a release name of 53 characters', { build: (p) => new Bare(p, 'app').chart(catalog.keda, {}, { releaseName: 'r'.repeat(53) }), expect: accepted((tree) => expect(find(tree, 'HelmRelease', 'r'.repeat(53))).toHaveLength(1)) });
for (const [name, db, objectName] of [
  ['a database name ending in "_"', 'app_', 'postgres-app'],
  ['a database name starting with "_"', '_app', 'postgres-app'],
  ['a database name with "__"', 'my__app', 'postgres-my-app'],
] as const) {
  add('names', name, {
    build: (p) => database(p, db),
    expect: accepted((tree) => {
      expect(find(tree, 'Database').map((d) => d.metadata.name)).toEqual([objectName]);
      expect(find(tree, 'Database')[0].spec).toEqual(expect.objectContaining({ name: db, owner: db }));
    }),
  });
}
add('names', 'a database name of 63 characters', {
  build: (p) => database(p, `d${'b'.repeat(62)}`),
  expect: accepted((tree) => expect(stack(tree).resource.kubernetes_secret_v1[`secret_database_postgres-d${'b'.repeat(62)}-credentials`]).toBeDefined()),
});
add('names', 'a database name of 64 characters', { build: (p) => database(p, `d${'b'.repeat(63)}`), expect: refused('is not a PostgreSQL identifier') });
add('names', 'two releases in one namespace from one Helm repository write it once', {
  build: (p) => {
    new Bare(p, 'one', { namespace: 'shared' }).chart(podinfo, {}, { releaseName: 'podinfo-one' });
    new Bare(p, 'two', { namespace: 'shared' }).chart(podinfo, {}, { releaseName: 'podinfo-two' });
  },
  expect: accepted((tree) => {
    expect(find(tree, 'HelmRepository').filter((r) => r.metadata.namespace === 'shared')).toHaveLength(1);
    expect(find(tree, 'HelmRelease').map((r) => (r.spec as any).chart.spec.sourceRef.name)).toEqual(['podinfo', 'podinfo']);
  }),
});
add('names', 'two Helm repositories of one name and different URLs in one namespace', {
  build: (p) => {
    new Bare(p, 'one', { namespace: 'shared' }).chart(podinfo, {}, { releaseName: 'podinfo-one' });
    new Bare(p, 'two', { namespace: 'shared' }).chart({ ...podinfo, repository: { ...podinfo.repository, url: 'https://mirror.example.com/podinfo' } }, {}, { releaseName: 'podinfo-two' });
  },
  expect: refused('ballast/two: its chart comes from the Helm repository "podinfo" (https://mirror.example.com/podinfo) in namespace "shared", where ballast/one has a repository of that name at'),
});
add('names', 'a secret name that is not an object name', { build: (p) => new Bare(p, 'app').secret('App_Creds', { t: canary() }), expect: refused('ballast/app: secret name "App_Creds" is not a Kubernetes object name') });
add('names', 'a secret name of 200 characters is an object name', { build: (p) => new Bare(p, 'app').secret('s'.repeat(200), { t: canary() }), expect: accepted() });
add('names', 'a namespace with capitals', { build: (p) => new Bare(p, 'app', { namespace: 'Apps' }), expect: refused('ballast/app: namespace "Apps" is not a valid DNS label') });

// --- Git ---------------------------------------------------------------------------------------------
for (const branch of ['refs/heads/main', 'feature..x', 'main.lock', 'a b', '-x', 'a//b', 'x/', '.hidden', 'a~1', 'a^b', 'a:b', 'what?', 'a*', 'a[b', 'a\\b', '@', 'a@{1}', 'HEAD', '']) {
  add('git', `branch ${JSON.stringify(branch)}`, { config: git({ branch }), expect: refused(`ballast: git.branch "${branch}" `) });
}
for (const branch of ['release/1.x', 'main', 'feature/ä']) {
  add('git', `branch ${JSON.stringify(branch)} is a branch`, {
    config: git({ branch }),
    build: (p) => new Flux(p, 'flux'),
    expect: accepted((tree) => expect(JSON.stringify(stack(tree))).toContain(`refs/heads/${branch}`)),
  });
}
for (const p of ['../outside', '/abs', 'a/../../b', 'a/./b', 'a/', 'a b', '..', './']) {
  add('git', `path ${JSON.stringify(p)}`, { config: git({ path: p }), expect: refused(`ballast: git.path "${p}" is not a folder inside the repository`) });
}
add('git', 'path deploy/flux', {
  config: git({ path: 'deploy/flux' }),
  expect: accepted((tree) => expect(find(tree, 'Kustomization').map((k) => (k.spec as any).path)).toEqual(expect.arrayContaining(['./deploy/flux/infrastructure/controllers']))),
});
add('git', 'an ssh URL with its user name', { config: git({ url: 'ssh://git@github.com/acme/platform.git' }), expect: accepted() });
add('git', 'git.auth with an empty user name', { config: git({ auth: { username: '', password: canary() } }), expect: refused('ballast: git.auth.username is not a user name') });
// Durations: what a Duration lets through (zero, NaN, fractions of a millisecond, more than Go holds), and
// what only a JavaScript caller passes (a string, an object that only looks like a Duration).
add('git', 'a Flux interval of 0', { config: { flux: { interval: Duration.seconds(0) } }, expect: refused('ballast: flux.interval is zero. Use a cdk8s Duration') });
add('git', 'a Flux interval of NaN minutes', { config: { flux: { interval: Duration.minutes(Number.NaN) } }, expect: refused('ballast: flux.interval is NaN ms, not a finite length of time') });
add('git', 'a Flux interval of half a millisecond', { config: { flux: { interval: Duration.millis(0.5) } }, expect: refused('ballast: flux.interval is 0.5 ms, not a whole number of milliseconds') });
add('git', 'a Flux timeout of 300 years', { config: { flux: { timeout: Duration.days(300 * 365) } }, expect: refused('ballast: flux.timeout is 109500 days, longer than a Go or Prometheus duration holds') });
add('git', 'a Flux timeout as a string', { config: { flux: { timeout: '-1m' as unknown as Duration } }, expect: refused('ballast: flux.timeout is the string "-1m", not a Duration') });
add('git', 'a negative Flux retry interval (an object that only looks like a Duration)', {
  config: { flux: { retryInterval: { toMilliseconds: () => -60_000 } as unknown as Duration } },
  expect: refused('ballast: flux.retryInterval is -60000 ms, which is negative'),
});
add('git', 'a Flux timeout whose toMilliseconds throws', { config: { flux: { timeout: { toMilliseconds: () => { throw new Error('no'); } } as unknown as Duration } }, expect: refused('ballast: flux.timeout is NaN ms') });
add('git', 'an unknown Flux setting', { config: { flux: { intervall: Duration.minutes(1) } as never }, expect: refused('ballast: flux.intervall is not a setting') });
// Rendered as Go and Flux read it: the largest units first, zero parts left out. Mutation: goDuration
// without the hours step renders "90m" here.
for (const [duration, text] of [[Duration.minutes(90), '1h30m'], [Duration.seconds(90), '1m30s'], [Duration.millis(1500), '1s500ms'], [Duration.days(1), '24h'], [Duration.hours(0.5), '30m']] as const) {
  add('git', `a Flux interval of ${text}`, { config: { flux: { interval: duration } }, expect: accepted((tree) => expect(find(tree, 'Kustomization').map((k) => (k.spec as any).interval)).toEqual(expect.arrayContaining([text]))) });
}

// --- Values Kubernetes, Helm or Terraform reject ----------------------------------------------------
// CPU and sizes: what Cpu and Size let through, and what only a JavaScript caller passes.
for (const [name, cpu, message] of [
  ['NaN cores', Cpu.units(Number.NaN), 'is "NaN", which is not a CPU quantity'],
  ['infinite cores', Cpu.units(Number.POSITIVE_INFINITY), 'is "Infinity", which is not a CPU quantity'],
  ['-5 millicores', Cpu.millis(-5), 'is "-5m", which is negative'],
  ['half a millicore', Cpu.millis(0.5), 'is "0.5m", finer than the millicore Kubernetes counts CPU in'],
  // Mutation: cpuProblem checking thousandths with floats (0.30000000000000004 × 1000 rounds to 300) lets this through.
  ['0.1 + 0.2 cores', Cpu.units(0.1 + 0.2), 'is "0.30000000000000004", finer than the millicore'],
  ['no CPU at all', Cpu.units(0), 'is "0", which is no CPU at all'],
  ['an object with the amount "half"', { amount: 'half' }, 'is "half", which is not a CPU quantity'],
  ['the string "500m"', '500m' as unknown as Cpu, 'is the string "500m", not a Cpu'],
] as const) {
  add('values', `CPU: ${name}`, { build: (p) => service(p, { resources: { cpu: { request: cpu as Cpu } } }), expect: refused(`ballast/api: resources.cpu.request ${message}`) });
}
for (const [name, memory, message] of [
  ['NaN MiB', Size.mebibytes(Number.NaN), 'is NaN bytes, not a finite size'],
  ['infinite GiB', Size.gibibytes(Number.POSITIVE_INFINITY), 'is Infinity bytes, not a finite size'],
  ['0.1 MiB', Size.mebibytes(0.1), 'is 104857.6 bytes, not a whole number of bytes'],
  ['0 GiB', Size.gibibytes(0), 'is 0 bytes'],
  ['the string "512Mi"', '512Mi' as unknown as Size, 'is the string "512Mi", not a Size'],
  ['a number of bytes', 536870912 as unknown as Size, 'is the number 536870912, not a Size'],
] as const) {
  add('values', `memory: ${name}`, { build: (p) => service(p, { resources: { memory: { limit: memory as Size } } }), expect: refused(`ballast/api: resources.memory.limit ${message}`) });
}
// cdk8s-plus writes a container's memory in mebibytes and throws on a fraction of one. Mutation: a
// checkContainerResources without the whole-mebibyte check lets this through to a crash inside cdk8s-plus.
add('values', 'WebService memory of 1000 KiB', { build: (p) => service(p, { resources: { memory: { limit: Size.kibibytes(1000) } } }), expect: refused('ballast/api: resources.memory.limit 1000Ki is not a whole number of mebibytes') });
// Mutation: requireResources without the request/limit comparison accepts both.
add('values', 'a memory request above its limit', { build: (p) => service(p, { resources: { memory: { request: Size.gibibytes(1), limit: Size.mebibytes(512) } } }), expect: refused('ballast/api: resources.memory.request (1Gi) is above resources.memory.limit (512Mi). Request at most the limit.') });
add('values', 'a CPU request above its limit', { build: (p) => service(p, { resources: { cpu: { request: Cpu.units(2), limit: Cpu.millis(1500) } } }), expect: refused('ballast/api: resources.cpu.request (2) is above resources.cpu.limit (1500m). Request at most the limit.') });
add('values', 'resources in the Kubernetes shape (a JavaScript caller)', {
  build: (p) => service(p, { resources: { requests: { cpu: '1' }, limits: { memory: '1Gi' } } as unknown as ContainerResources }),
  expect: refused('ballast/api: resources.requests is not a setting. Use cpu, memory and ephemeralStorage, each { request, limit } (the cdk8s-plus shape).\nballast/api: resources.limits is not a setting.'),
});
add('values', 'resources with "requests" inside cpu', { build: (p) => service(p, { resources: { cpu: { requests: Cpu.units(1) } } as unknown as ContainerResources }), expect: refused('ballast/api: resources.cpu.requests is not a setting. Use request and limit.') });
add('values', 'PostgreSQL memory as a string', { build: (p) => new PostgresCluster(p, 'postgres', { resources: { memory: { request: '1GB' as unknown as Size } } }), expect: refused('ballast/postgres: resources.memory.request is the string "1GB", not a Size') });
add('values', 'SonarQube CPU of NaN', { build: (p) => new SonarQube(p, 'sonarqube', { database: new PostgresCluster(p, 'postgres', { metrics: false }), resources: { cpu: { request: Cpu.units(Number.NaN) } } }), expect: refused('ballast/sonarqube: resources.cpu.request is "NaN"') });
add('values', 'load-test memory of 1.5 GiB', { build: (p) => loadTest(p, { vus: 1, duration: Duration.minutes(1) }, { resources: { memory: { request: Size.gibibytes(1.5) } } }), expect: accepted() });
add('values', 'a storage size of 0', { build: (p) => new PostgresCluster(p, 'postgres', { storageSize: Size.gibibytes(0) }), expect: refused('ballast/postgres: storageSize is 0 bytes') });
add('values', 'a storage size as a string', { build: (p) => new PostgresCluster(p, 'postgres', { storageSize: '20Gi' as unknown as Size }), expect: refused('ballast/postgres: storageSize is the string "20Gi", not a Size') });
for (const port of [70000, 0, -1, 1.5, 65536]) {
  add('values', `port ${port}`, { build: (p) => service(p, { port }), expect: refused(`ballast/api: port ${port} is not a port. Use a whole number from 1 to 65535.`) });
}
add('values', 'service port 0', { build: (p) => service(p, { servicePort: 0 }), expect: refused('ballast/api: servicePort 0 is not a port') });
// Mutation: a WebService that renders the drain and startup without checkDuration crashes in cdk8s
// (Duration.toSeconds of 1500 ms throws) or writes a grace period the API server refuses.
for (const [name, drain, message] of [
  ['1.5 s', Duration.millis(1500), 'drain is 1500 ms, not a whole number of seconds. Use Duration.seconds(10), a Duration from 0 s to 3600 s.'],
  ['2 h', Duration.hours(2), 'drain 2h is above 3600 s'],
  ['-1 from untyped JavaScript', -1 as unknown as Duration, 'drain is the number -1, not a Duration. Use Duration.seconds(10), a Duration from 0 s to 3600 s (a string or a number of seconds is not taken).'],
  ['"10s" from untyped JavaScript', '10s' as unknown as Duration, 'drain is the string "10s", not a Duration'],
] as const) {
  add('values', `drain ${name}`, { build: (p) => service(p, { drain }), expect: refused(`ballast/api: ${message}`) });
}
for (const [name, startup, message] of [
  ['0', Duration.seconds(0), 'probes.startupTimeout 0s is below 1 s'],
  ['2.5 s', Duration.millis(2500), 'probes.startupTimeout is 2500 ms, not a whole number of seconds'],
  ['60 from untyped JavaScript', 60 as unknown as Duration, 'probes.startupTimeout is the number 60, not a Duration'],
] as const) {
  add('values', `startupTimeout ${name}`, { build: (p) => service(p, { probes: { startupTimeout: startup } }), expect: refused(`ballast/api: ${message}`) });
}
add('values', 'a readiness path without "/"', { build: (p) => service(p, { probes: { readinessPath: 'healthz' } }), expect: refused('ballast/api: probes.readinessPath "healthz" is not an HTTP path') });
for (const name of ['A=B', '', 'A\nB']) {
  add('values', `env name ${JSON.stringify(name)}`, { build: (p) => service(p, { env: { [name]: 'x' } }), expect: refused(`ballast/api: env has the variable name "${JSON.stringify(name).slice(1, -1)}"`) });
}
add('values', 'env name with a dot (Kubernetes 1.34 accepts it)', { build: (p) => service(p, { env: { 'spring.profiles.active': 'prod' } }), expect: accepted() });
for (const secret of ['My_Secret', 'pull secret', '-x']) {
  add('values', `imagePullSecret ${JSON.stringify(secret)}`, { build: (p) => service(p, { imagePullSecret: secret }), expect: refused(`ballast/api: imagePullSecret "${secret}" is not a Secret name`) });
}
for (const severity of ['page', 'CRITICAL', '']) {
  add('values', `alert severity ${JSON.stringify(severity)}`, { build: (p) => rule(p, severity), expect: refused(`ballast/monitoring/rules: alert "Down" has severity "${severity}". Use one of critical, warning, info`) });
}
add('values', 'a severity label beside the severity', { build: (p) => rule(p, 'warning', { severity: 'page' }), expect: refused('alert "Down" sets the label severity in labels. Use the severity property.') });
add('values', 'an alert label with "-"', { build: (p) => rule(p, 'warning', { 'team-name': 'x' }), expect: refused('alert "Down" has the label "team-name"') });
for (const [name, options, message] of [
  ['iterations 0', { vus: 1, iterations: 0 }, 'options.iterations 0 is not 1 or more'],
  ['iterations -3', { vus: 1, iterations: -3 }, 'options.iterations -3 is not 1 or more'],
  ['vus and stages', { vus: 5, stages: [{ duration: Duration.minutes(1), target: 5 }] }, 'options has stages and vus'],
  ['duration and stages', { duration: Duration.minutes(1), stages: [{ duration: Duration.minutes(1), target: 5 }] }, 'options has stages and duration'],
  ['duration and iterations', { vus: 1, duration: Duration.minutes(1), iterations: 10 }, 'options has both duration and iterations'],
  ['neither duration nor iterations', { vus: 1 }, 'options has neither duration nor iterations'],
  ['vus 0', { vus: 0, duration: Duration.minutes(1) }, 'options.vus 0 is not 1 or more'],
  ['a stage of -1 VUs', { stages: [{ duration: Duration.minutes(1), target: -1 }] }, 'stage 0 has target -1'],
  ['a stage of 1 minute written out (untyped JavaScript)', { stages: [{ duration: '1 minute', target: 1 }] }, 'stage 0 duration is the string "1 minute", not a Duration. Use Duration.minutes(2)'],
  ['an option ballast does not pass', { vus: 1, duration: Duration.minutes(1), rps: 10 }, 'options has rps, which ballast does not pass to k6'],
] as const) {
  add('values', `k6 ${name}`, { build: (p) => loadTest(p, options), expect: refused(`ballast/smoke: ${message}`) });
}
for (const env of ['K6_OPTIONS', 'TARGET_URL', 'K6_PROMETHEUS_RW_SERVER_URL']) {
  add('values', `a user ${env} beside the built-in one`, { build: (p) => loadTest(p, { vus: 1, duration: Duration.minutes(1) }, { env: { [env]: '{}' } }), expect: refused(`ballast/smoke: env sets ${env}, which ballast sets itself`) });
}
add('values', 'a load-test env value that is not a string', { build: (p) => loadTest(p, { vus: 1, duration: Duration.minutes(1) }, { env: { TOKEN: canary() } }), expect: refused('ballast/smoke: env TOKEN is not a string') });
for (const [name, retention, message] of [
  ['0 days', Duration.days(0), 'is zero'],
  ['NaN days', Duration.days(Number.NaN), 'is NaN ms, not a finite length of time'],
  ['1.5 ms', Duration.millis(1.5), 'is 1.5 ms, not a whole number of milliseconds'],
  ['the string "15d"', '15d' as unknown as Duration, 'is the string "15d", not a Duration'],
] as const) {
  add('values', `Prometheus retention of ${name}`, { build: (p) => monitoring(p, { retention: retention as Duration }), expect: refused(`ballast/monitoring: retention ${message}`) });
}

// --- Valid input that must be accepted and rendered ----------------------------------------------
// Rendered as Prometheus reads it: days and smaller, largest first. Mutation: prometheusDuration without
// the days step renders "360h" for 15 days.
for (const [retention, text] of [[Duration.days(15), '15d'], [Duration.hours(36), '1d12h'], [Duration.days(14), '14d'], [Duration.minutes(90), '1h30m'], [Duration.millis(1500), '1s500ms']] as const) {
  add('valid input', `Prometheus retention ${text}`, {
    build: (p) => monitoring(p, { retention }),
    expect: accepted((tree) => expect((find(tree, 'HelmRelease', 'kube-prometheus-stack')[0] as any).spec.values.prometheus.prometheusSpec.retention).toBe(text)),
  });
}
for (const metric of ['articles_listed', 'http_req_duration{status:200}', 'my_trend{scenario:browse}']) {
  add('valid input', `a k6 threshold on ${metric}`, {
    build: (p) => loadTest(p, { vus: 1, duration: Duration.minutes(1), thresholds: { [metric]: ['p(95)<500'] } }),
    expect: accepted((tree) => expect(JSON.parse((find(tree, 'Job', 'k6-smoke')[0] as any).spec.template.spec.containers[0].env.find((e: { name: string }) => e.name === 'K6_OPTIONS').value).thresholds).toEqual({ [metric]: ['p(95)<500'] })),
  });
}
// cdk8s-plus writes memory in Mi (2 GiB as 2048Mi) and CPU as its amount.
for (const [cpu, memory, written] of [[Cpu.millis(1500), Size.mebibytes(1536), { cpu: '1500m', memory: '1536Mi' }], [Cpu.units(0.5), Size.mebibytes(512), { cpu: '0.5', memory: '512Mi' }], [Cpu.units(2), Size.gibibytes(2), { cpu: '2', memory: '2048Mi' }]] as const) {
  add('valid input', `resources ${written.cpu} / ${written.memory}`, {
    build: (p) => service(p, { resources: { cpu: { request: cpu }, memory: { request: memory } } }),
    expect: accepted((tree) => expect((find(tree, 'Deployment', 'api')[0] as any).spec.template.spec.containers[0].resources.requests).toEqual(written)),
  });
}
add('valid input', 'k6 iterations', { build: (p) => loadTest(p, { vus: 2, iterations: 20 }), expect: accepted() });
add('valid input', 'k6 stages', { build: (p) => loadTest(p, { stages: [{ duration: Duration.seconds(30), target: 5 }, { duration: Duration.seconds(90), target: 0 }] }), expect: accepted() });

// --- Crashes: every error says where and what ---------------------------------------------------------
add('crash', 'a load-test script that does not exist', {
  build: (p) => loadTest(p, { vus: 1, duration: Duration.minutes(1) }, { script: 'loadtests/missing.ts' }),
  expect: refused('ballast/smoke: script loadtests/missing.ts is not a file. Give the path of the TypeScript k6 script'),
});
add('crash', 'a load-test script that is a folder', {
  build: (p) => loadTest(p, { vus: 1, duration: Duration.minutes(1) }, { script: path.dirname(script) }),
  expect: refused(`ballast/smoke: script ${path.dirname(script)} is not a file`),
});
add('crash', 'a load-test script that is not a string', {
  build: (p) => loadTest(p, { vus: 1, duration: Duration.minutes(1) }, { script: 42 }),
  expect: refused('ballast/smoke: script 42 is not a file'),
});
add('crash', 'k6 options that are not an object', { build: (p) => loadTest(p, null as never), expect: refused('ballast/smoke: options is not an object') });
add('crash', 'a component id that is not a string', { build: (p) => new Bare(p, 42 as never, { namespace: 'app' }), expect: refused('the component id is a number') });
add('crash', 'a bootstrap secret with null data', { build: (p) => new Bare(p, 'app').secret('creds', { token: null }), expect: refused('secret "creds" has the key "token" with a null value') });
/** A component whose objects cannot be read: an unexpected error, named by its construct, not a stack trace. */
class Broken extends Component {
  constructor(scope: Platform) {
    super(scope, 'broken', { namespace: 'broken' });
  }
  public override manifests(): Record<string, unknown>[] {
    throw new TypeError("Cannot read properties of undefined (reading 'kind')");
  }
}
add('crash', 'an unexpected error while placing objects names the component and asks for a report', {
  build: (p) => new Broken(p),
  expect: refused('UNEXPECTED'),
});

// The surfaces around the typed API, each in its own file under ./hostile.
cases.push(...escapeHatchCases, ...cliCases, ...fileCases, ...consumerValueCases);

test('the table covers every class with at least three cases, and has at least 300', () => {
  const byClass = new Map<string, number>();
  for (const c of cases) byClass.set(c.cls, (byClass.get(c.cls) ?? 0) + 1);
  expect([...byClass.keys()].sort()).toEqual([...HOSTILE_CLASSES].sort());
  for (const [cls, n] of byClass) expect([cls, n >= 3]).toEqual([cls, true]);
  expect(cases.length).toBeGreaterThanOrEqual(300);
  expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
});

describe.each(cases.map((c) => [`${c.cls}: ${c.name}`, c] as const))('%s', (_, c) => {
  beforeAll(() => {
    process.env[CANARY_ENV] = CANARY;
  });

  test('refused or accepted as expected, without a crash or a leak', () => {
    const outcome = runCase(c);
    if ('refused' in c.expect && c.expect.refused === 'UNEXPECTED') {
      // The one deliberate bug: wrapped with the construct path and a request to report it.
      expect(outcome).toEqual({ kind: 'crash', error: expect.stringMatching(/^ballast\/broken: unexpected error while placing its objects: Cannot read properties of undefined \(reading 'kind'\)\. This is a bug in ballast .*please report it/) });
      return;
    }
    if (outcome.kind === 'crash') throw new Error(`crashed instead of a clear message:\n${outcome.error}`);
    if ('refused' in c.expect) {
      expect(outcome.kind).toBe('refused');
      const message = (outcome as { message: string }).message;
      if (typeof c.expect.refused === 'string') expect(message).toContain(c.expect.refused);
      else expect(message).toMatch(c.expect.refused);
      // Every line is `<construct path>: <what>. <fix>.` (a file or `arguments` in place of the path for
      // what the CLI and the checkout's files get wrong).
      for (const line of message.split('\n')) expect(line).toMatch(c.run ? /^\S+: .+\.$/ : /^ballast(\/\S*)?: .+\.$/);
      expect(canarySightings({ message })).toEqual([]);
    } else {
      if (outcome.kind !== 'accepted') throw new Error(`refused:\n${(outcome as { message: string }).message}`);
      c.expect.accepted(outcome.tree);
      expect(canarySightings(outcome.tree)).toEqual([]);
    }
  });
});

test('the canary search finds every encoding it claims to (so that a leak cannot hide)', () => {
  const hidden = (prefix: string, encode: (s: string) => string) => ({ file: `${prefix}${encode(CANARY)}` });
  expect(canarySightings(hidden('', (s) => s))).not.toEqual([]);
  expect(canarySightings(hidden('x=', encodeURIComponent))).not.toEqual([]);
  expect(canarySightings(hidden('', (s) => Buffer.from(s).toString('hex')))).not.toEqual([]);
  for (const prefix of ['', 'a', 'ab', 'abc']) {
    expect(canarySightings({ file: Buffer.from(`${prefix}${CANARY}tail`).toString('base64') })).not.toEqual([]);
    expect(canarySightings({ file: Buffer.from(`user:${prefix}${CANARY}`).toString('base64url') })).not.toEqual([]);
  }
  expect(canarySightings({ file: Buffer.from('nothing to see').toString('base64') })).toEqual([]);
  expect(encodedForms(CANARY).every((f) => f.length >= 8)).toBe(true);
});
