// Secret sources, and the plan's choice per component: Terraform's sensitive variables, or SOPS files in Git.
import * as fs from 'fs';
import * as path from 'path';
import { ApiObject as CdkApiObject, JsonPatch } from 'cdk8s';
import { CatalogChart, Component, HelmComponent, KubePrometheusStack, planPlatform, Platform, PostgresCluster, SecretValue, sopsDecrypt, synthFlux, synthTerraform, Traefik, WebService } from '../../lib/internal';
import { encodedForms } from '../support/hostile';
import { testPlatform } from '../support/platforms';
import { defaultPlan, fluxObjects, readTree, synthToTemp, tempDir, TEST_AGE, terraformJson } from '../support/synth';
import { problemOf } from '../support/problems';

class App extends Component {
  constructor(scope: Platform, id: string, data: Record<string, SecretValue>, secrets: 'terraform' | 'sops' = 'sops') {
    super(scope, id, { namespace: id, secrets });
    this.addBootstrapSecret(`${id}-credentials`, data);
  }
}
const withSops = () => testPlatform({ sops: { ageRecipients: [TEST_AGE.recipient] } });

describe('sources', () => {
  test('an environment variable, a file; a generated value only through the platform\'s secrets file', () => {
    const dir = tempDir('ballast-secrets-');
    process.env.BALLAST_TEST_TOKEN = 'from-env';
    fs.writeFileSync(path.join(dir, 'token'), 'from-file\n');
    try {
      expect(SecretValue.fromEnv('BALLAST_TEST_TOKEN').resolve()).toBe('from-env');
      expect(SecretValue.fromFile(path.join(dir, 'token')).resolve()).toBe('from-file');
      expect(() => SecretValue.generated('api_key').resolve()).toThrow("the generated secret api_key is kept in the platform's secrets file");
      expect(SecretValue.generated('api_key').resolve((name, length) => `${name}:${length}`)).toBe('api_key:32');
    } finally {
      delete process.env.BALLAST_TEST_TOKEN;
    }
  });

  test.each([
    ['a missing environment variable', () => planPlatform(((p) => (new App(p, 'app', { token: SecretValue.fromEnv('BALLAST_MISSING') }), p))(withSops())), 'ballast/app: Secret app/app-credentials key token cannot be read: the environment variable BALLAST_MISSING is not set. Set BALLAST_MISSING before running synth.'],
    ['a missing file', () => planPlatform(((p) => (new App(p, 'app', { token: SecretValue.fromFile('/nonexistent/token') }), p))(withSops())), 'ballast/app: Secret app/app-credentials key token cannot be read: the file /nonexistent/token does not exist. Write the secret into /nonexistent/token.'],
    [
      'a Secret mixing a Terraform variable and a value read at synth',
      () => planPlatform(((p) => (new App(p, 'app', { token: SecretValue.fromVariable('app_token', 'token'), key: SecretValue.generated('app_key') }), p))(withSops())),
      'ballast/app: Secret app/app-credentials mixes the Terraform variable app_token (key token) with the generated secret app_key (key key), which no single backend can write. Give every key of one Secret values from Terraform variables, or every key values synth reads.',
    ],
    [
      'encrypted Secrets without an age recipient',
      () => planPlatform(((p) => (new App(p, 'app', { token: SecretValue.generated('t') }), p))(testPlatform())),
      'ballast: ballast/app write Secrets to Git encrypted, but no age recipient is configured. Set sops.ageRecipients in the platform config to the public keys (age1...) that may decrypt them.',
    ],
    [
      'encrypted Secrets for a component Terraform deploys',
      () => {
        const p = withSops();
        new PostgresCluster(p, 'postgres', { deployWith: 'terraform', secrets: 'sops', metrics: false }).addDatabase(new Component(p, 'x', { namespace: 'x' }), 'x');
        planPlatform(p);
      },
      expect.stringContaining("ballast/postgres: Secret database/postgres-x-credentials must go to Git (its values are read at synth, or secrets: 'sops'), but Terraform deploys this component before Flux applies it. Deploy it with Flux, or give the Secret values from Terraform variables (SecretValue.fromVariable) and keep secrets: 'terraform'."),
    ],
    ['an age recipient that is not one', () => testPlatform({ sops: { ageRecipients: ['age1short'] } }), 'ballast: sops.ageRecipients has "age1short", which is not an age public key. Use the public key age-keygen prints ("age1" and 58 more characters).'],
  ])('%s fails synth with what to provide', (_name, build, message) => {
    expect(problemOf(build)).toEqual(message);
  });
});

test("the default platform: the database layer's Secrets are SOPS files in Git, decryptable with the platform key; the rest stays with Terraform", () => {
  const { plan } = defaultPlan();
  const dir = synthToTemp();
  const files = readTree(path.join(dir, 'flux'));
  const encrypted = Object.entries(files).filter(([, c]) => c.includes('\nsops:'));
  expect(encrypted.map(([f]) => f).sort()).toEqual(['apps/articles-api.yaml', 'apps/sonarqube.yaml', 'infrastructure/configs/postgres.yaml']);
  // Each decrypts with the test key to the Secret the plan holds; values, and only values, are encrypted.
  const secrets = plan.flux.flatMap((p) => p.encryptedSecrets);
  expect(secrets.map((s) => `${s.metadata.namespace}/${s.metadata.name}`).sort()).toEqual([
    'articles/postgres-articles-credentials',
    'database/postgres-articles-credentials',
    'database/postgres-sonarqube-credentials',
    'sonarqube/postgres-sonarqube-credentials',
    'sonarqube/sonarqube-monitoring',
  ]);
  const docs = encrypted.flatMap(([, content]) => content.split(/^---\n/m).filter((d) => d.includes('\nsops:')));
  expect(docs.map((d) => sopsDecrypt(d, TEST_AGE.identity)).sort((a: any, b: any) => (`${a.metadata.namespace}/${a.metadata.name}` < `${b.metadata.namespace}/${b.metadata.name}` ? -1 : 1))).toEqual(
    [...secrets].sort((a, b) => (`${a.metadata.namespace}/${a.metadata.name}` < `${b.metadata.namespace}/${b.metadata.name}` ? -1 : 1)),
  );
  for (const d of docs) expect(d).toMatch(/^apiVersion: v1\nkind: Secret\nmetadata:\n/);
  // The Kustomizations of those steps decrypt, with the key Terraform writes from sops_age_key.
  const kustomizations = fluxObjects(path.join(dir, 'flux')).filter((o) => o.object.kind === 'Kustomization' && o.object.apiVersion.startsWith('kustomize.toolkit'));
  expect(Object.fromEntries(kustomizations.map((k) => [k.object.metadata.name, (k.object.spec as any).decryption]))).toEqual({
    apps: { provider: 'sops', secretRef: { name: 'sops-age' } },
    'infra-configs': { provider: 'sops', secretRef: { name: 'sops-age' } },
    'infra-controllers': undefined,
  });
  const tf = terraformJson(path.join(dir, 'cdktf'));
  expect(tf.resource.kubernetes_secret_v1['secret_flux-system_sops-age'].data_wo).toEqual({ 'age.agekey': '${var.sops_age_key}' });
  expect(Object.keys(tf.variable).sort()).toEqual(['alerts_pagerduty_routing_key', 'alerts_slack_webhook_url', 'backup_s3_access_key_id', 'backup_s3_secret_access_key', 'git_push_token', 'grafana_admin_password', 'kube_context', 'kubeconfig_path', 'sops_age_key', 'traefik_admin_users']);
});

test('terraform.tfvars.example lists every variable the stack needs, with placeholders', () => {
  const dir = synthToTemp();
  const example = fs.readFileSync(path.join(dir, 'cdktf', 'stacks', 'ballast', 'terraform.tfvars.example'), 'utf8');
  const tf = terraformJson(path.join(dir, 'cdktf'));
  for (const v of Object.keys(tf.variable).filter((n) => !['kubeconfig_path', 'kube_context'].includes(n))) expect(example).toMatch(new RegExp(`^${v} = "`, 'm'));
  expect(example).toContain('sops_age_key = "AGE-SECRET-KEY-1..."');
});

test('canary: distinctive secret values appear nowhere in dist/, nor their base64, nor in what synth prints', () => {
  const canaries = { token: 'canary-9f2c1e7d-token', password: 'canary-4b8a0c3e-password' };
  process.env.BALLAST_CANARY_TOKEN = canaries.token;
  process.env.BALLAST_CANARY_PASSWORD = canaries.password;
  const write = jest.spyOn(process.stdout, 'write');
  const writeErr = jest.spyOn(process.stderr, 'write');
  try {
    const platform = withSops();
    new App(platform, 'app', { token: SecretValue.fromEnv('BALLAST_CANARY_TOKEN'), password: SecretValue.fromEnv('BALLAST_CANARY_PASSWORD') });
    const plan = planPlatform(platform);
    const dir = tempDir('ballast-canary-');
    fs.mkdirSync(path.join(dir, 'flux'));
    fs.mkdirSync(path.join(dir, 'cdktf'));
    synthFlux(plan, path.join(dir, 'flux'));
    synthTerraform(plan, path.join(dir, 'cdktf'));
    const everything = Object.values(readTree(dir)).join('\n') + write.mock.calls.join('\n') + writeErr.mock.calls.join('\n');
    for (const value of Object.values(canaries)) {
      expect(everything).not.toContain(value);
      expect(everything).not.toContain(Buffer.from(value).toString('base64'));
      expect(everything).not.toContain(Buffer.from(value).toString('base64').replace(/=+$/, ''));
    }
    // ...and yet the Secret is there, encrypted.
    expect(Object.values(readTree(path.join(dir, 'flux'))).join()).toContain('ENC[AES256_GCM,');
  } finally {
    write.mockRestore();
    writeErr.mockRestore();
    delete process.env.BALLAST_CANARY_TOKEN;
    delete process.env.BALLAST_CANARY_PASSWORD;
  }
});

const PODINFO: CatalogChart = { chart: 'podinfo', version: '6.7.1', repository: { name: 'podinfo', url: 'https://stefanprodan.github.io/podinfo', type: 'default' } };

test('canary through every escape hatch: by reference it reaches the cluster and nowhere else; as plain text it is refused without being echoed', () => {
  const canary = 'canary-1d7e5b20-hatch';
  process.env.BALLAST_CANARY_HATCH = canary;
  const secret = () => SecretValue.fromEnv('BALLAST_CANARY_HATCH');
  try {
    // By reference, with every hatch in use around it.
    const platform = withSops();
    const api = new WebService(platform, 'api', { image: 'ghcr.io/acme/api:1.0.0', metricsPath: false, env: { API_TOKEN: secret() }, secrets: 'sops' });
    api.patchObject('Deployment', 'api', JsonPatch.add('/metadata/annotations', { 'acme.example/owner': 'team-a' }));
    const monitoring = new KubePrometheusStack(platform, 'monitoring', { ingress: new Traefik(platform, 'traefik'), sensitiveValues: { 'grafana.adminPassword': secret() }, secrets: 'sops' });
    monitoring.patchHelmRelease(JsonPatch.replace('/spec/interval', '5m'));
    const podinfo = new HelmComponent(platform, 'podinfo', { chart: PODINFO, namespace: 'podinfo', deployWith: 'terraform', sensitiveValues: { 'redis.password': SecretValue.fromVariable('podinfo_redis_password', 'Password of the podinfo cache.') } });
    podinfo.overrideHelmRelease('timeout', 600);
    const dir = synthToTemp(platform);
    const everything = Object.values(readTree(dir)).join('\n');
    expect(encodedForms(canary).filter((f) => everything.includes(f))).toEqual([]);

    // As plain text, through each hatch: refused, and the message does not repeat it.
    const attempts: [string, (p: Platform) => void][] = [
      ['patchObject', (p) => new WebService(p, 'api', { image: 'ghcr.io/acme/api:1.0.0', metricsPath: false }).patchObject('Deployment', 'api', JsonPatch.add('/spec/template/spec/containers/0/env', [{ name: 'API_TOKEN', value: canary }]))],
      ['addJsonPatch', (p) => new CdkApiObject(new Component(p, 'raw', { namespace: 'raw' }), 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' }, data: {} }).addJsonPatch(JsonPatch.add('/data/password', canary))],
      ['patchHelmRelease', (p) => new KubePrometheusStack(p, 'monitoring', { ingress: new Traefik(p, 'traefik') }).patchHelmRelease(JsonPatch.add('/spec/values/grafana/adminPassword', canary))],
      ['overrideHelmRelease', (p) => new HelmComponent(p, 'podinfo', { chart: PODINFO, namespace: 'podinfo', deployWith: 'terraform' }).overrideHelmRelease('repository_password', canary)],
      ['extraValues', (p) => new HelmComponent(p, 'podinfo', { chart: PODINFO, namespace: 'podinfo', extraValues: { redis: { password: canary } } })],
    ];
    for (const [hatch, build] of attempts) {
      const p = testPlatform();
      const message = problemOf(() => {
        build(p);
        planPlatform(p);
      });
      expect([hatch, message === 'no error']).toEqual([hatch, false]);
      expect([hatch, encodedForms(canary).filter((f) => message.includes(f))]).toEqual([hatch, []]);
    }
  } finally {
    delete process.env.BALLAST_CANARY_HATCH;
  }
});
