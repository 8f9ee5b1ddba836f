// Releases handed over, with the real providers on a real API server, following the guard's messages.
//
// A Flux release that Terraform takes over: the release helm-controller installed is imported and
// upgraded in place, never installed anew.
//
// A Terraform release renamed: Helm cannot rename a release, and the new one cannot take the objects outside any
// namespace, nor one of the same name, that the old one owns ("invalid ownership metadata"). The
// acknowledged synth installs the new release with take_ownership and forgets the old one, which keeps
// serving; as the message says, the team then makes Helm forget the old release without deleting anything.
// The new release owns every object the old one had, and the next plan is empty.
import { spawnSync } from 'child_process';
import * as path from 'path';
import { ApiServer } from '../support/e2e/api-server';
import { changesOf, needsCharts, RealStack } from '../support/e2e/real-providers';
import { Shape, synthShape, workspace, Workspace } from '../support/day2';
import { problemOf } from '../support/problems';
import { toolPath } from '../support/tools';
import { fluxObjects } from '../support/synth';
import * as fs from 'fs';
import { parseAllDocuments, stringify } from 'yaml';

const charts = [
  { chart: 'traefik', version: '41.3.0' },
  { chart: 'keda', version: '2.20.2' },
];
const withCharts = needsCharts(charts);

let server: ApiServer;
withCharts.beforeAll(async () => {
  server = await ApiServer.start();
}, 180_000);
afterAll(() => server?.stop());

/** A new workspace with `shape` synthesized and applied with the real providers to `cluster`. */
async function applied(cluster: ApiServer, shape: Shape, grafanaPassword: string): Promise<{ ws: Workspace; stack: RealStack }> {
  const ws = workspace();
  const variables = { traefik_admin_users: 'admin:$2y$05$abcdefghijklmnopqrstuu', grafana_admin_password: grafanaPassword };
  const stack = new RealStack(path.join(ws.terraform, 'stacks', 'ballast'), cluster.kubeconfig, variables, path.join(ws.root, 'fixture-charts'));
  synthShape(ws, shape);
  await stack.init();
  await stack.applyOk();
  return { ws, stack };
}

/** `<Kind>/<namespace>/<name>` of each object of a release's manifest (namespaced ones in `store`). */
function kindsAndNames(manifest: string): string[] {
  return parseAllDocuments(manifest)
    .map((d) => d.toJSON() as { kind?: string; metadata?: { name?: string; namespace?: string } } | null)
    .filter((o): o is { kind: string; metadata: { name: string; namespace?: string } } => !!o?.kind && !!o.metadata?.name)
    .map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`);
}

withCharts.test('renamed: the new release takes over the old one\'s objects, the old one is forgotten as the message says, and nothing goes down', async () => {
  const before: Shape = { postgres: false, extraApp: false, store: { releaseName: 'store', deployWith: 'terraform' } };
  const { ws, stack } = await applied(server, before, 'grafana-rename-password-3c5e7a9b');

  const after: Shape = { ...before, store: { releaseName: 'store-v2', deployWith: 'terraform' } };
  const message = problemOf(() => void synthShape(ws, after));
  expect(message).toContain('release/store/store would be renamed to release/store/store-v2');
  synthShape(ws, after, { acknowledge: ['release/store/store'] });
  await stack.init();
  expect(changesOf(await stack.plan())).toEqual({ 'helm_release.release_store_store': 'forget', 'helm_release.release_store_store-v2': 'create' });

  // One apply installs the new release over the old one's objects, which it takes ownership of (mutation:
  // without take_ownership it stops at "invalid ownership metadata": KEDA's chart names its objects
  // without the release name), while the old release keeps serving.
  const manifest = spawnSync(toolPath('helm'), ['get', 'manifest', 'store', '-n', 'store', '--kubeconfig', server.kubeconfig], { encoding: 'utf8' });
  expect(manifest.status).toBe(0);
  const run = await stack.apply();
  expect([run.status, run.stdout + run.stderr]).toEqual([0, expect.stringMatching(/Apply complete! Resources: 1 added, 0 changed, 0 destroyed/)]);
  const handed = kindsAndNames(manifest.stdout);
  expect(handed.length).toBeGreaterThan(10);

  // Then Helm forgets the old release without deleting what the new one adopted, as the message says
  // (mutation: `helm uninstall` of the old release instead deletes the adopted objects, and this check fails).
  expect(server.kubectl(['-n', 'store', 'delete', 'secret', '-l', 'owner=helm,name=store']).status).toBe(0);
  const releases = spawnSync(toolPath('helm'), ['list', '-n', 'store', '-q', '--kubeconfig', server.kubeconfig], { encoding: 'utf8' });
  expect(releases.stdout.trim()).toBe('store-v2');
  for (const object of handed) {
    const [kind, namespace, name] = object.split('/');
    // (Helm's manifest leaves namespaced objects without a namespace: they are in the release's.)
    const got = server.kubectl(['get', '-n', namespace || 'store', kind.toLowerCase(), name, '-o', 'jsonpath={.metadata.annotations.meta\\.helm\\.sh/release-name}']);
    expect([object, got.stdout]).toEqual([object, 'store-v2']);
  }
  expect(await stack.planText()).toMatch(/No changes\. Your infrastructure matches the configuration\./);
}, 600_000);

withCharts.test('a release from Flux to Terraform: the release helm-controller installed is imported and upgraded in place; the next plan is empty', async () => {
  const own = await ApiServer.start();
  try {
    const byFlux: Shape = { postgres: false, extraApp: false, store: { releaseName: 'store', deployWith: 'flux' } };
    const { ws, stack } = await applied(own, byFlux, 'grafana-handover-password-8e6c4a2f');
    // helm-controller does not run here: the release it would install from the HelmRelease in Git is
    // installed with helm, from the same chart and values, into the namespace Flux creates.
    const release = fluxObjects(ws.flux).map((o) => o.object).find((o) => o.kind === 'HelmRelease' && o.metadata.name === 'store')!;
    const values = path.join(ws.root, 'store-values.yaml');
    fs.writeFileSync(values, stringify((release.spec as { values?: unknown }).values ?? {}));
    expect(own.kubectl(['create', 'namespace', 'store']).status).toBe(0);
    const installed = spawnSync(toolPath('helm'), ['install', 'store', path.join(process.env.BALLAST_CHART_CACHE ?? '', 'keda-2.20.2'), '-n', 'store', '-f', values, '--kubeconfig', own.kubeconfig], { encoding: 'utf8' });
    expect([installed.status, installed.stderr]).toEqual([0, '']);

    const byTerraform: Shape = { ...byFlux, store: { releaseName: 'store', deployWith: 'terraform' } };
    expect(problemOf(() => void synthShape(ws, byTerraform))).toContain('release/store/store would move from Flux to Terraform');
    synthShape(ws, byTerraform, { acknowledge: ['ballast/store'] });
    await stack.init();
    // Mutation: without the import blocks Terraform plans to create both, and the apply stops at
    // "already exists" (the namespace) or "cannot re-use a name that is still in use" (the release).
    expect(changesOf(await stack.plan())).toMatchObject({
      'helm_release.release_store_store': expect.stringMatching(/ import store\/store$/),
      'kubernetes_namespace_v1.namespace_store': 'no-op import store',
    });
    await stack.applyOk();
    const history = spawnSync(toolPath('helm'), ['history', 'store', '-n', 'store', '-o', 'json', '--kubeconfig', own.kubeconfig], { encoding: 'utf8' });
    // One release, upgraded in place (revision 2), never installed anew.
    expect((JSON.parse(history.stdout) as { revision: number }[]).map((h) => h.revision)).toEqual([1, 2]);
    expect(await stack.planText()).toMatch(/No changes\. Your infrastructure matches the configuration\./);
  } finally {
    await own.stop();
  }
}, 600_000);

withCharts.test('Traefik moved to another namespace: the new release adopts the IngressClass and the other cluster-wide objects; the old one is forgotten, then cleaned up as the message says', async () => {
  const own = await ApiServer.start();
  try {
    const before: Shape = { postgres: false, extraApp: false };
    const { ws, stack } = await applied(own, before, 'grafana-move-password-1d3f5b7a');
    expect(own.kubectl(['get', 'ingressclass', 'traefik', '-o', 'jsonpath={.metadata.annotations.meta\\.helm\\.sh/release-namespace}']).stdout).toBe('traefik');

    const after: Shape = { ...before, traefikNamespace: 'ingress' };
    const message = problemOf(() => void synthShape(ws, after));
    expect(message).toContain('release/traefik/traefik would be renamed to release/ingress/traefik');
    expect(message).toContain('kubectl -n traefik delete secret -l owner=helm,name=traefik; then delete what the old release left in traefik: kubectl -n traefik delete all -l app.kubernetes.io/instance=traefik');
    synthShape(ws, after, { acknowledge: ['ballast/traefik'] });
    await stack.init();
    // Mutation: without take_ownership this apply stops at the IngressClass ("invalid ownership metadata").
    await stack.applyOk();
    expect(own.kubectl(['get', 'ingressclass', 'traefik', '-o', 'jsonpath={.metadata.annotations.meta\\.helm\\.sh/release-namespace}']).stdout).toBe('ingress');
    // The old release kept serving until now; then, as the message says, Helm forgets it and its leftovers go.
    expect(own.kubectl(['-n', 'traefik', 'get', 'deployment', 'traefik']).status).toBe(0);
    expect(own.kubectl(['-n', 'traefik', 'delete', 'secret', '-l', 'owner=helm,name=traefik']).status).toBe(0);
    expect(own.kubectl(['-n', 'traefik', 'delete', 'all', '-l', 'app.kubernetes.io/instance=traefik']).status).toBe(0);
    expect(own.kubectl(['get', 'ingressclass', 'traefik']).status).toBe(0);
    expect(own.kubectl(['-n', 'ingress', 'get', 'deployment', 'traefik']).status).toBe(0);
    const releases = spawnSync(toolPath('helm'), ['list', '-A', '-q', '--kubeconfig', own.kubeconfig], { encoding: 'utf8' });
    expect(releases.stdout.trim()).toBe('traefik');
    expect(await stack.planText()).toMatch(/No changes\. Your infrastructure matches the configuration\./);
  } finally {
    await own.stop();
  }
}, 600_000);
