// Day 2 with the real providers: a platform team's second month, step by step, on one cluster. Each step
// synthesizes a changed platform into the same workspace, and then does what the team does: read the
// guard's message and `diff`, commit for Flux (source- and kustomize-controller reconcile it), run the
// real `terraform` with the real hashicorp helm and kubernetes providers against the API server. After
// every step the next plan has nothing to do, and no secret value is in the state file or its backup.
//
// Read it as the guide to each handover: the steps the test takes by hand (deleting a Secret right before
// an apply, giving Terraform the value a Secret holds) are the ones the guard's message tells the user.
import { ApiServer } from '../support/e2e/api-server';
import { FluxTestbed } from '../support/flux/testbed';
import { formatDiff, planAgainstOutput, readInventory } from '../../lib/internal';
import { shapedPlatform, Shape, stackJson, synthShape, workspace, Workspace } from '../support/day2';
import { changesOf, needsCharts, RealStack, secretsInStateFiles, stateFiles } from '../support/e2e/real-providers';
import { problemOf } from '../support/problems';
import { TEST_AGE } from '../support/synth';
import { spawnSync } from 'child_process';
import * as path from 'path';
import { toolPath } from '../support/tools';

const KUSTOMIZATIONS = ['flux-system', 'infra-controllers', 'infra-configs', 'apps'];
const NO_CHANGES = /No changes\. Your infrastructure matches the configuration\./;

// The charts the Terraform side installs come from the chart cache (../shared/charts in CI).
const charts = [{ chart: 'traefik', version: '41.3.0' }];
const withCharts = needsCharts(charts);

/** A Secret as the API server returns it. */
interface LiveSecret {
  metadata: { name: string; namespace: string; annotations?: Record<string, string>; labels?: Record<string, string> };
  type?: string;
  data?: Record<string, string>;
}

/** The Secret `namespace/name`, or undefined. */
async function secret(server: ApiServer, namespace: string, name: string): Promise<LiveSecret | undefined> {
  const answer = await server.request('GET', `/api/v1/namespaces/${namespace}/secrets/${name}`);
  if (answer.status === 404) return undefined;
  expect(answer.status).toBe(200);
  return JSON.parse(answer.body) as LiveSecret;
}

/** A value of a Secret, decoded (what `kubectl get secret -o jsonpath=... | base64 -d` prints). */
async function secretValue(server: ApiServer, namespace: string, name: string, key: string): Promise<string> {
  const s = await secret(server, namespace, name);
  if (!s?.data?.[key]) throw new Error(`Secret ${namespace}/${name} has no ${key}`);
  return Buffer.from(s.data[key], 'base64').toString('utf8');
}

/**
 * Every secret value the cluster's Secrets hold, but Helm's release records (they hold a release's
 * values and are Helm's own), user names and short values: what must never reach a state file.
 */
async function liveSecretValues(server: ApiServer): Promise<string[]> {
  const answer = await server.request('GET', '/api/v1/secrets');
  expect(answer.status).toBe(200);
  const items = (JSON.parse(answer.body) as { items: LiveSecret[] }).items;
  return items
    .filter((s) => s.type !== 'helm.sh/release.v1')
    .flatMap((s) => Object.entries(s.data ?? {}).filter(([k]) => !/^(username|user|admin-user)$/.test(k)))
    .map(([, v]) => Buffer.from(v, 'base64').toString('utf8'))
    .filter((v) => v.length >= 12);
}

async function namespaceOf(server: ApiServer, name: string): Promise<{ metadata: { annotations?: Record<string, string>; deletionTimestamp?: string } } | undefined> {
  const answer = await server.request('GET', `/api/v1/namespaces/${name}`);
  return answer.status === 404 ? undefined : JSON.parse(answer.body);
}

/**
 * Stands in for the namespace controller, which this API server lacks, until the returned function is
 * called: a namespace marked for deletion (by a Terraform destroy, or Flux pruning it) is finalized, its
 * `kubernetes` finalizer removed, so that it goes as it would in a cluster instead of staying Terminating.
 */
function namespaceController(server: ApiServer): () => Promise<void> {
  let running = true;
  const loop = (async () => {
    while (running) {
      const answer = await server.request('GET', '/api/v1/namespaces');
      for (const ns of (JSON.parse(answer.body) as { items: { metadata: { name: string; deletionTimestamp?: string } }[] }).items) {
        if (!ns.metadata.deletionTimestamp) continue;
        const body = JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns.metadata.name }, spec: { finalizers: [] } });
        await server.request('PUT', `/api/v1/namespaces/${ns.metadata.name}/finalize`, body);
      }
      await new Promise((r) => setTimeout(r, 300));
    }
  })();
  return async () => {
    running = false;
    await loop;
  };
}

const reconciled = withCharts;
let bed: FluxTestbed;
let stopNamespaceController: (() => Promise<void>) | undefined;
reconciled.beforeAll(async () => {
  bed = await FluxTestbed.start();
  stopNamespaceController = namespaceController(bed.server);
}, 300_000);
afterAll(async () => {
  await stopNamespaceController?.();
  await bed?.stop();
});

reconciled.describe('a team\'s second month with the real providers', () => {
  let ws: Workspace;
  let stack: RealStack;
  /** The values of the stack's sensitive variables (TF_VAR_...), as the team exports them. */
  const variables: Record<string, string> = {
    traefik_admin_users: 'admin:$2y$05$wE7nO7m0P0cGkqkq0mJ8eOmCqkQKzF5o3uTt0mHhVwz7l5uZl8y2e',
    grafana_admin_password: 'grafana-password-5f3b9c1e7a',
    web_token: 'web-token-value-8d2e4f6a1b3c',
    // The age key Flux decrypts the Secrets in Git with (Terraform writes flux-system/sops-age).
    sops_age_key: TEST_AGE.identity,
  };
  /** Every secret value seen so far, in the cluster or given to Terraform: none may ever reach a state file. */
  const seen = new Set<string>();
  let shape: Shape = { postgres: 'sops' };

  const diffOf = (next: Shape, acknowledge: string[] = []) =>
    formatDiff(planAgainstOutput(() => shapedPlatform(ws, next), { fluxDir: ws.flux, acknowledge }), readInventory(ws.flux) !== undefined);

  /** A synth of `next`, as the team runs it; the Terraform folder is initialised again (a synth replaces it). */
  async function synth(next: Shape, acknowledge: string[] = []): Promise<void> {
    synthShape(ws, next, { acknowledge });
    shape = next;
    await stack.init();
  }

  /** The closing checks of a step: the next plan has nothing to do, and no secret value is in any state file. */
  async function settled(): Promise<void> {
    expect(await stack.planText()).toMatch(NO_CHANGES);
    for (const v of await liveSecretValues(bed.server)) seen.add(v);
    for (const v of Object.values(variables)) seen.add(v);
    expect(stateFiles(ws.root)).toContain('terraform.ballast.tfstate');
    expect(secretsInStateFiles(ws.root, [...seen])).toEqual([]);
  }

  beforeAll(() => {
    ws = workspace();
    stack = new RealStack(path.join(ws.terraform, 'stacks', 'ballast'), bed.server.kubeconfig, variables, path.join(ws.root, 'fixture-charts'));
  });

  test('a fresh apply: Terraform installs its side with the real providers, Flux the rest, and the next plan is empty', async () => {
    await synth(shape);
    // The shaped platform installs no Flux of its own (a cluster whose Flux came another way): flux-system
    // is there before Terraform writes the age key into it.
    expect((await bed.server.request('POST', '/api/v1/namespaces', JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'flux-system' } }))).status).toBe(201);
    expect(await stack.applyOk()).toMatch(/Apply complete! Resources: \d+ added, 0 changed, 0 destroyed\./);
    await bed.startSync(shapedPlatform(ws, shape), TEST_AGE.identity);
    await bed.pushAndReconcile(ws.flux, 'first synth', KUSTOMIZATIONS);
    expect(await secret(bed.server, 'database', 'postgres-app-credentials')).toBeDefined();
    await settled();
  });

  test('a synth without change: diff says so (exit 0), and Terraform has nothing to do', async () => {
    expect(diffOf(shape).exitCode).toBe(0);
    await synth(shape);
    await settled();
  });

  test('a namespace from Flux to Terraform: refused, then marked in Git, imported, and its mark survives the apply', async () => {
    const next: Shape = { ...shape, appToken: true };
    expect(problemOf(() => void synthShape(ws, next))).toContain('namespace/web would move from Flux to Terraform');
    expect(diffOf(next).exitCode).toBe(2);
    await synth(next, ['namespace/web']);
    await bed.pushAndReconcile(ws.flux, 'web gets a token (handover of its namespace)', KUSTOMIZATIONS);
    expect(changesOf(await stack.plan())).toEqual({
      'kubernetes_namespace_v1.namespace_web': 'no-op import web',
      // Terraform sets the namespace's Pod Security labels and reasons over the labels Flux set.
      'kubernetes_annotations.namespace_web_annotations': 'create',
      'kubernetes_labels.namespace_web_labels': 'create',
      'kubernetes_secret_v1.secret_web_web-token': 'create',
    });
    // A second synth before the apply keeps the import (mutation: imports for one synth only make this
    // plan create the namespace, and the apply fail with "already exists").
    await synth(next);
    expect(stackJson(ws).import).toEqual([{ to: 'kubernetes_namespace_v1.namespace_web', id: 'web' }]);
    expect(await stack.applyOk()).toMatch(/Apply complete! Resources: 1 imported, 3 added, 0 changed, 0 destroyed\./);
    // Terraform's apply left Flux's mark (mutation: without ignore_changes on annotations it strips it).
    expect((await namespaceOf(bed.server, 'web'))!.metadata.annotations).toMatchObject({ 'kustomize.toolkit.fluxcd.io/prune': 'disabled' });
    await bed.pushAndReconcile(ws.flux, 'web namespace owned by Terraform', KUSTOMIZATIONS);
    expect(await namespaceOf(bed.server, 'web')).toBeDefined();
    await settled();
  });

  test('the secrets-mode switch (Git to Terraform): never imported, the password kept because the team gives Terraform the one the Secret holds', async () => {
    const next: Shape = { ...shape, postgres: 'terraform' };
    const password = await secretValue(bed.server, 'database', 'postgres-app-credentials', 'password');
    const message = problemOf(() => void synthShape(ws, next));
    const keep = `export TF_VAR_app_db_password="$(kubectl -n database get secret postgres-app-credentials -o jsonpath='{.data.password}' | base64 -d)"`;
    expect(message).toContain(keep);
    expect(diffOf(next).exitCode).toBe(2);
    // What the message says, in order: keep the value, commit, let Flux reconcile, delete the kept copy, apply.
    variables.app_db_password = await secretValue(bed.server, 'database', 'postgres-app-credentials', 'password');
    await synth(next, ['ballast/postgres', 'ballast/app']);
    await bed.pushAndReconcile(ws.flux, 'PostgreSQL Secrets written by Terraform', KUSTOMIZATIONS);
    // Flux pruned the app's copy, and left the database's (prune-disabled: the Cluster names it).
    expect(await secret(bed.server, 'app', 'postgres-app-credentials')).toBeUndefined();
    expect(await secret(bed.server, 'database', 'postgres-app-credentials')).toBeDefined();
    expect((await bed.server.request('DELETE', '/api/v1/namespaces/database/secrets/postgres-app-credentials')).status).toBe(200);
    expect(changesOf(await stack.plan())).toEqual({
      'kubernetes_namespace_v1.namespace_app': 'no-op import app',
      'kubernetes_namespace_v1.namespace_database': 'no-op import database',
      'kubernetes_annotations.namespace_app_annotations': 'create',
      'kubernetes_annotations.namespace_database_annotations': 'create',
      'kubernetes_labels.namespace_app_labels': 'create',
      'kubernetes_labels.namespace_database_labels': 'create',
      'kubernetes_secret_v1.secret_app_postgres-app-credentials': 'create',
      'kubernetes_secret_v1.secret_database_postgres-app-credentials': 'create',
      // No Secret is left in Git: Flux no longer decrypts, and the age key goes (Terraform has it from
      // TF_VAR_sops_age_key, and writes it again when a Secret comes back into Git).
      'kubernetes_secret_v1.secret_flux-system_sops-age': 'delete',
    });
    await stack.applyOk();
    expect(await secretValue(bed.server, 'database', 'postgres-app-credentials', 'password')).toBe(password);
    expect(await secretValue(bed.server, 'app', 'postgres-app-credentials', 'password')).toBe(password);
    // The password was in the cluster and is in no state file (mutation: importing the Secret, as before,
    // copies it into terraform.ballast.tfstate).
    seen.add(password);
    await settled();
  });

  test('removing PostgreSQL (acknowledged): Terraform forgets its namespace and role Secret, Flux keeps the Cluster', async () => {
    const next: Shape = { ...shape, postgres: false };
    expect(problemOf(() => void synthShape(ws, next))).toContain('namespace/database (of ballast/postgres) holds data');
    expect(diffOf(next).exitCode).toBe(2);
    expect(diffOf(next, ['ballast/postgres']).exitCode).toBe(2);
    await synth(next, ['ballast/postgres']);
    const planned = changesOf(await stack.plan());
    expect(planned).toMatchObject({
      'kubernetes_namespace_v1.namespace_database': 'forget',
      // The kept namespace keeps its Pod Security labels (mutation: without their removed blocks Terraform
      // destroys the labels resource, which takes them off the namespace).
      'kubernetes_labels.namespace_database_labels': 'forget',
      'kubernetes_annotations.namespace_database_annotations': 'forget',
      'kubernetes_secret_v1.secret_database_postgres-app-credentials': 'forget',
    });
    await stack.applyOk();
    await bed.pushAndReconcile(ws.flux, 'PostgreSQL removed (acknowledged)', KUSTOMIZATIONS);
    expect(await namespaceOf(bed.server, 'database')).toBeDefined();
    expect(await secret(bed.server, 'database', 'postgres-app-credentials')).toBeDefined();
    const cluster = await bed.server.request('GET', '/apis/postgresql.cnpg.io/v1/namespaces/database/clusters/postgres');
    expect(cluster.status).toBe(200);
    await settled();
  });

  test('putting PostgreSQL back: the kept namespace is imported, the kept Secret made anew with the password it holds', async () => {
    const next: Shape = { ...shape, postgres: 'terraform' };
    const password = await secretValue(bed.server, 'database', 'postgres-app-credentials', 'password');
    expect(problemOf(() => void synthShape(ws, next))).toContain('secret/database/postgres-app-credentials comes back into the code');
    expect(diffOf(next).exitCode).toBe(2);
    variables.app_db_password = password;
    await synth(next, ['secret/database/postgres-app-credentials']);
    expect((await bed.server.request('DELETE', '/api/v1/namespaces/database/secrets/postgres-app-credentials')).status).toBe(200);
    // Mutation: without an import for what a removal kept, the namespace is planned as "create" and the
    // apply fails with "already exists".
    expect(changesOf(await stack.plan())).toMatchObject({ 'kubernetes_namespace_v1.namespace_database': 'no-op import database' });
    await stack.applyOk();
    await bed.pushAndReconcile(ws.flux, 'PostgreSQL back', KUSTOMIZATIONS);
    expect(await secretValue(bed.server, 'database', 'postgres-app-credentials', 'password')).toBe(password);
    await settled();
  });

  test('a rotation: the new value reaches the cluster through the write-only attribute, never the state', async () => {
    // (URL-safe and 32 characters, as the generated one: so it can be kept when the Secret goes back to Git.)
    variables.app_db_password = 'rotated-password-7c4d2e9f1a0b3c5';
    expect(diffOf(shape).exitCode).toBe(0);
    await synth(shape);
    // Without the rotation Terraform cannot see the new value of a write-only attribute.
    expect(await stack.planText()).toMatch(NO_CHANGES);
    synthShape(ws, shape, { rotate: ['app_db_password'] });
    await stack.init();
    expect(changesOf(await stack.plan())).toEqual({
      'kubernetes_secret_v1.secret_app_postgres-app-credentials': 'update',
      'kubernetes_secret_v1.secret_database_postgres-app-credentials': 'update',
    });
    await stack.applyOk();
    expect(await secretValue(bed.server, 'database', 'postgres-app-credentials', 'password')).toBe('rotated-password-7c4d2e9f1a0b3c5');
    await settled();
  });

  test('the secrets-mode switch back (Terraform to Git): forgotten, not destroyed, and the password kept because the team stores the one the Secret holds', async () => {
    const next: Shape = { ...shape, postgres: 'sops' };
    const password = await secretValue(bed.server, 'database', 'postgres-app-credentials', 'password');
    const message = problemOf(() => void synthShape(ws, next));
    expect(message).toContain(`its values become the generated ones of ${ws.secrets} (app_db_password)`);
    expect(diffOf(next).exitCode).toBe(2);
    // What the message says: store the value the Secret holds in the secrets file (with the real sops).
    const stored = spawnSync('bash', ['-c', `v="$(printf %s "$PASSWORD")"; "$SOPS" --set "[\\"generated\\"][\\"app_db_password\\"] \\"$v\\"" "$FILE"`], {
      encoding: 'utf8',
      env: { ...process.env, PASSWORD: password, SOPS: toolPath('sops'), FILE: ws.secrets, SOPS_AGE_KEY: TEST_AGE.identity },
    });
    expect([stored.status, stored.stderr]).toEqual([0, '']);
    await synth(next, ['ballast/postgres', 'ballast/app']);
    // Terraform forgets what Flux takes over (mutation: without the removed blocks it destroys them).
    expect(changesOf(await stack.plan())).toEqual({
      'kubernetes_namespace_v1.namespace_app': 'forget',
      'kubernetes_namespace_v1.namespace_database': 'forget',
      // Their Pod Security labels stay on them until Flux's Namespace objects apply the same.
      'kubernetes_annotations.namespace_app_annotations': 'forget',
      'kubernetes_annotations.namespace_database_annotations': 'forget',
      'kubernetes_labels.namespace_app_labels': 'forget',
      'kubernetes_labels.namespace_database_labels': 'forget',
      'kubernetes_secret_v1.secret_app_postgres-app-credentials': 'forget',
      'kubernetes_secret_v1.secret_database_postgres-app-credentials': 'forget',
      'kubernetes_secret_v1.secret_flux-system_sops-age': 'create',
    });
    await stack.applyOk();
    await bed.pushAndReconcile(ws.flux, 'PostgreSQL Secrets back in Git', KUSTOMIZATIONS);
    // Flux applied the Secret from Git over the one Terraform left: the same password.
    expect(await secretValue(bed.server, 'database', 'postgres-app-credentials', 'password')).toBe(password);
    expect(await secretValue(bed.server, 'app', 'postgres-app-credentials', 'password')).toBe(password);
    await settled();
  });

  test('a release from Terraform to Flux: forgotten by Terraform, never uninstalled', async () => {
    const next: Shape = { ...shape, traefik: 'flux' };
    expect(problemOf(() => void synthShape(ws, next))).toContain('release/traefik/traefik would move from Terraform to Flux');
    expect(diffOf(next).exitCode).toBe(2);
    expect(diffOf(next, ['ballast/traefik']).exitCode).toBe(1);
    await synth(next, ['ballast/traefik']);
    expect(changesOf(await stack.plan())).toMatchObject({ 'helm_release.release_traefik_traefik': 'forget' });
    await stack.applyOk();
    // Helm's record of the release is still there: nothing was uninstalled (helm-controller, which does
    // not run here, takes it over from the HelmRelease now in Git).
    const records = await bed.server.request('GET', '/api/v1/namespaces/traefik/secrets?labelSelector=owner%3Dhelm%2Cname%3Dtraefik');
    expect((JSON.parse(records.body) as { items: unknown[] }).items.length).toBeGreaterThan(0);
    await bed.pushAndReconcile(ws.flux, 'Traefik deployed by Flux', KUSTOMIZATIONS);
    await settled();
  });
});
