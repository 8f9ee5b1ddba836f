// The default platform's Terraform stack, applied with the real hashicorp helm 3.1.1 and kubernetes 2.38.0
// providers (../shared/terraform-providers, mirrored by `scripts/tools.sh terraform-providers`) to a real
// kube-apiserver: Traefik from its real chart, Flux through the flux-operator and flux-instance releases
// (fixture charts of the same names stand in: theirs are AGPL and never vendored), namespaces and
// write-only Secrets. The next plan has nothing to do, and no secret value reaches the state.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { OVERRIDABLE_RELEASE_ATTRIBUTES } from '../../lib/plan/release-patches';
import { ApiServer } from '../support/e2e/api-server';
import { changesOf, needsCharts, OVERRIDE_FILE, RealStack, secretsInStateFiles, stateFiles } from '../support/e2e/real-providers';
import { defaultPlan, synthToTemp, TEST_AGE } from '../support/synth';

const charts = [{ chart: 'traefik', version: '41.3.0' }];
const withCharts = needsCharts(charts);

let server: ApiServer;
withCharts.beforeAll(async () => {
  server = await ApiServer.start();
}, 180_000);
afterAll(() => server?.stop());

withCharts.test('the default stack applies with the real providers, the next plan is empty, and the state holds no secret value', async () => {
  const dist = synthToTemp(defaultPlan().platform);
  const dir = path.join(dist, 'cdktf', 'stacks', 'ballast');
  const state = path.join(dist, 'terraform.ballast.tfstate');
  const variables = {
    traefik_admin_users: 'admin:$2y$05$J1n0cRq2v1m5y7z3e5c7aOq1zj3YbqX8r2Kt4W6u8n0p2r4t6v8x0',
    grafana_admin_password: 'grafana-default-password-1f2e3d4c',
    sops_age_key: TEST_AGE.identity,
    git_push_token: 'git-push-token-9a8b7c6d5e4f',
    alerts_pagerduty_routing_key: 'pagerduty-routing-key-0c1d2e3f4a5b',
    alerts_slack_webhook_url: 'https://hooks.slack.com/services/T000/B000/slack-secret-6a7b8c9d',
    backup_s3_access_key_id: 'backup-access-key-7e6d5c4b',
    backup_s3_secret_access_key: 'backup-secret-access-key-3a2b1c0d9e8f',
  };
  const stack = new RealStack(dir, server.kubeconfig, variables, path.join(dist, 'fixture-charts'), state);
  await stack.init();
  // The stack keeps its state in the project root (../../../../terraform.ballast.tfstate); this stack was
  // synthesized outside a project, so the override file puts it in the test's folder.
  expect(JSON.parse(fs.readFileSync(path.join(dir, 'cdk.tf.json'), 'utf8')).terraform.backend).toEqual({ local: { path: '../../../../terraform.ballast.tfstate' } });
  expect(Object.keys(JSON.parse(fs.readFileSync(path.join(dir, OVERRIDE_FILE), 'utf8')).resource.helm_release).sort()).toEqual([
    'release_flux-system_flux',
    'release_flux-system_flux-operator',
    'release_traefik_traefik',
  ]);
  // 3 namespaces with their Pod Security labels and reasons (kubernetes_labels, kubernetes_annotations),
  // 4 Secrets, 3 releases, Traefik's 3 NetworkPolicies and its 3 other objects.
  expect(await stack.applyOk()).toMatch(/Apply complete! Resources: 24 added, 0 changed, 0 destroyed\./);
  // Mutation: the namespaces' labels and annotations applied under one field manager delete each other
  // (server-side apply), and this plan is no longer empty.
  expect(changesOf(await stack.plan())).toEqual({});
  // The labels reached the namespace through the provider's server-side apply, beside whatever else
  // labels it; Traefik's policies are in its namespace.
  const traefik = JSON.parse((await server.request('GET', '/api/v1/namespaces/traefik')).body);
  expect(traefik.metadata.labels).toMatchObject({ 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/enforce-version': 'v1.34' });
  expect(traefik.metadata.annotations['ballast.dev/pod-security']).toContain('traefik: restricted');
  expect((await server.request('GET', '/apis/networking.k8s.io/v1/namespaces/traefik/networkpolicies/traefik-ingress')).status).toBe(200);
  // Flux's instance, as the flux-instance release created it: it syncs the platform's repository.
  const instance = await server.request('GET', '/apis/fluxcd.controlplane.io/v1/namespaces/flux-system/fluxinstances/flux');
  expect(instance.status).toBe(200);
  expect(JSON.parse(instance.body).spec.sync).toMatchObject({ kind: 'GitRepository', path: 'clusters/production', ref: 'refs/heads/main' });
  // The values reached the cluster (write-only), and no state file holds them (mutation: `data` instead of
  // `data_wo` in kubernetes_secret_v1 stores them in terraform.ballast.tfstate).
  const age = await server.request('GET', '/api/v1/namespaces/flux-system/secrets/sops-age');
  expect(Buffer.from(JSON.parse(age.body).data['age.agekey'], 'base64').toString('utf8')).toBe(TEST_AGE.identity);
  expect(stateFiles(dist)).toContain('terraform.ballast.tfstate');
  expect(secretsInStateFiles(dist, Object.values(variables))).toEqual([]);
}, 600_000);

// overrideHelmRelease's allow-list names attributes of the real helm_release, with their types (mutation:
// a misspelt attribute, or "timeout" declared a string, fails here; the provider would refuse the stack).
withCharts.test('every attribute overrideHelmRelease allows is one of the real helm_release, of the type it is checked for', async () => {
  const dist = synthToTemp(defaultPlan().platform);
  const stack = new RealStack(path.join(dist, 'cdktf', 'stacks', 'ballast'), server.kubeconfig, {}, path.join(dist, 'fixture-charts'), path.join(dist, 'state.tfstate'));
  await stack.init();
  const schema = JSON.parse(execFileSync('terraform', ['providers', 'schema', '-json'], { cwd: stack.dir, env: { ...process.env, ...stack.env }, maxBuffer: 64 * 1024 * 1024 }).toString());
  const helm = Object.entries(schema.provider_schemas as Record<string, { resource_schemas: Record<string, { block: { attributes: Record<string, { type?: unknown; optional?: boolean }> } }> }>).find(([name]) => name.endsWith('/helm'))![1];
  const attributes = helm.resource_schemas.helm_release.block.attributes;
  const terraformType = { boolean: 'bool', seconds: 'number', count: 'number', string: 'string' } as const;
  expect(Object.entries(OVERRIDABLE_RELEASE_ATTRIBUTES).filter(([name, type]) => attributes[name]?.type !== terraformType[type] || attributes[name]?.optional !== true)).toEqual([]);
}, 300_000);
