// Day 2 with Flux's own kustomize-controller. A PostgreSQL cluster removed from the code: the guard
// refuses the synth until the removal is acknowledged; the acknowledged output, once reconciled, prunes the
// app that went with it but nothing that holds data, nor the role credentials the retained Cluster names.
// Handovers from Flux to Terraform (a namespace, a release): Flux marks what leaves it, then lets it go.
import { Platform, PlatformSynthResult, ValidationError } from '../../lib/internal';
import { synthShape, Workspace, workspace } from '../support/day2';
import { describeId, getObject, ObjectId } from '../support/flux/kube';
import { FluxTestbed } from '../support/flux/testbed';
import { needsReferenceData } from '../support/reference-gate';
import { TEST_AGE } from '../support/synth';

const KUSTOMIZATIONS = ['flux-system', 'infra-controllers', 'infra-configs', 'apps'];

/** Everything that holds PostgreSQL's data or that the Cluster needs to keep its roles' passwords. */
const KEPT: ObjectId[] = [
  { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', namespace: 'database', name: 'postgres' },
  { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Database', namespace: 'database', name: 'postgres-app' },
  { apiVersion: 'v1', kind: 'Secret', namespace: 'database', name: 'postgres-app-credentials' },
  { apiVersion: 'v1', kind: 'Namespace', name: 'database' },
];
/** What left with the database and holds nothing: pruned. */
const PRUNED: ObjectId[] = [
  { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'app', name: 'app' },
  { apiVersion: 'v1', kind: 'Secret', namespace: 'app', name: 'postgres-app-credentials' },
  { apiVersion: 'monitoring.coreos.com/v1', kind: 'PodMonitor', namespace: 'database', name: 'postgres' },
];

// The API server gets every CRD of the reference data before Flux applies the tree: without it, the tier
// has nothing to apply its custom resources to, and its tests are skipped.
const reconciled = needsReferenceData("dist/flux reconciled by Flux's own controllers");

let bed: FluxTestbed;
reconciled.beforeAll(async () => {
  bed = await FluxTestbed.start();
}, 300_000);
afterAll(() => bed?.stop());

const exists = async (id: ObjectId) => (await getObject(bed.server, id)) !== undefined;

/** A test's first synth in the cluster: what Terraform and the FluxInstance create, then Flux's first sync. */
async function firstSync(synthesized: PlatformSynthResult, ws: Workspace, message: string): Promise<void> {
  const commit = await bed.push(ws.flux, message);
  await bed.bootstrap(synthesized.plan.platform as Platform, synthesized.plan, TEST_AGE.identity);
  await bed.reconcileSource(commit);
  await bed.waitForKustomizations(KUSTOMIZATIONS, commit);
}

reconciled.test('a removed PostgresCluster: refused, then acknowledged; Flux prunes nothing that holds data', async () => {
  // The database's Secrets are in Git (SOPS), so everything of it is Flux's to keep or to prune.
  const ws = workspace();
  await firstSync(synthShape(ws, { postgres: 'sops' }), ws, 'platform with PostgreSQL');
  for (const id of [...KEPT, ...PRUNED]) expect([describeId(id), await exists(id)]).toEqual([describeId(id), true]);

  // Without an acknowledgement the synth is refused and the output stays as it was.
  expect(() => synthShape(ws, { postgres: false })).toThrow(ValidationError);
  const second = synthShape(ws, { postgres: false }, { acknowledge: ['ballast/postgres'] });
  expect(second.plan.day2.changes.filter((c) => c.acknowledged).map((c) => c.id)).toEqual([
    'namespace/database',
    'object/postgresql.cnpg.io/Cluster/database/postgres',
    'object/postgresql.cnpg.io/Database/database/postgres-app',
    'secret/database/postgres-app-credentials',
  ]);
  await bed.pushAndReconcile(ws.flux, 'PostgreSQL removed (acknowledged)', KUSTOMIZATIONS);

  // Pruning is on: what went with the database and holds nothing is gone...
  for (const id of PRUNED) expect([describeId(id), await exists(id)]).toEqual([describeId(id), false]);
  // ...and what holds data, or what the retained Cluster references, is still there.
  for (const id of KEPT) expect([describeId(id), await exists(id)]).toEqual([describeId(id), true]);
}, 300_000);

reconciled.test('a namespace handed over from Flux to Terraform: Flux marks it first, then lets it go without deleting it', async () => {
  const ws = workspace();
  const shape = { postgres: false as const };
  await firstSync(synthShape(ws, shape), ws, 'platform without a token');
  const namespace: ObjectId = { apiVersion: 'v1', kind: 'Namespace', name: 'web' };
  const deployment: ObjectId = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'web', name: 'web' };
  expect(await exists(namespace)).toBe(true);

  // A Terraform-written token moves the namespace to Terraform: the handover commit keeps it in Git, marked.
  synthShape(ws, { ...shape, appToken: true }, { acknowledge: ['namespace/web'] });
  await bed.pushAndReconcile(ws.flux, 'web gets a token (handover of its namespace)', KUSTOMIZATIONS);
  expect((await getObject(bed.server, namespace))!.metadata.annotations).toMatchObject({ 'kustomize.toolkit.fluxcd.io/prune': 'disabled' });

  // The next synth leaves it out of Git: Flux does not delete it, nor what is in it.
  synthShape(ws, { ...shape, appToken: true });
  await bed.pushAndReconcile(ws.flux, 'web namespace owned by Terraform', KUSTOMIZATIONS);
  expect(await exists(namespace)).toBe(true);
  expect(await exists(deployment)).toBe(true);
}, 300_000);

reconciled.test('a release handed over from Flux to Terraform (deployWith): suspended and kept, never pruned into an uninstall', async () => {
  const ws = workspace();
  await firstSync(synthShape(ws, { postgres: false }), ws, 'monitoring deployed by Flux');
  const release: ObjectId = { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', namespace: 'monitoring', name: 'kube-prometheus-stack' };
  const dashboard: ObjectId = { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'monitoring', name: 'load-test-overview' };
  expect((await getObject(bed.server, release))!.spec).not.toHaveProperty('suspend');

  synthShape(ws, { postgres: false, monitoring: 'terraform' }, { acknowledge: ['ballast/monitoring'] });
  await bed.pushAndReconcile(ws.flux, 'monitoring moves to Terraform (handover)', KUSTOMIZATIONS);
  const handedOver = (await getObject(bed.server, release))!;
  expect(handedOver.spec).toMatchObject({ suspend: true });
  expect(handedOver.metadata.annotations).toMatchObject({ 'kustomize.toolkit.fluxcd.io/prune': 'disabled' });

  // Out of Git in the next synth: Flux deletes neither the release object (whose deletion would make
  // helm-controller uninstall an unsuspended release) nor the dashboard Terraform now owns.
  synthShape(ws, { postgres: false, monitoring: 'terraform' });
  await bed.pushAndReconcile(ws.flux, 'monitoring owned by Terraform', KUSTOMIZATIONS);
  expect(await exists(release)).toBe(true);
  expect(await exists(dashboard)).toBe(true);
}, 300_000);
