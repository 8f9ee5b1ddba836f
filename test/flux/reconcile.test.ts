// Flux's own controllers reconcile the synthesized repository: source-controller clones it from a loopback
// Git server, kustomize-controller builds each step, decrypts its SOPS Secrets and applies it to a real
// kube-apiserver, in dependsOn order; a later commit prunes what left Git, except what ballast protects.
import * as fs from 'fs';
import * as path from 'path';
import { FLUX_STEPS, generateAgeIdentity, Manifest, STEP_FOLDERS } from '../../lib/internal';
import { folderObjects } from '../support/e2e/rollout';
import { describeId, FluxObject, getFluxObject, getObject, idOf, inventoryId } from '../support/flux/kube';
import { PushedCommit } from '../support/flux/push-tree';
import { ReadyOrder } from '../support/flux/ready-order';
import { requestReconcile, waitForHandled, waitForReady } from '../support/flux/reconcile';
import { notHeld } from '../support/flux/subset';
import { FluxTestbed } from '../support/flux/testbed';
import { needsReferenceData } from '../support/reference-gate';
import { dropResource, encryptedDocuments, stepKustomizations } from '../support/flux/tree';
import { defaultPlan, synthToTemp, tempDir, TEST_AGE } from '../support/synth';

/** The annotation with which ballast keeps stateful objects when they leave Git. */
const PRUNE = 'kustomize.toolkit.fluxcd.io/prune';

const { platform, plan } = defaultPlan();
const fluxDir = path.join(synthToTemp(), 'flux');
const steps = stepKustomizations(fluxDir, platform.clusterName);
const stepNames = steps.map((s) => s.name);
/** The folders of the step Kustomizations (the load tests are applied by hand, not by Flux). */
const stepFolders = FLUX_STEPS.map((step) => STEP_FOLDERS[step]);

// The API server gets every CRD of the reference data before Flux applies the tree: without it, the tier
// has nothing to apply its custom resources to, and its tests are skipped.
const reconciled = needsReferenceData("dist/flux reconciled by Flux's own controllers");

let bed: FluxTestbed;
let first: PushedCommit;
reconciled.beforeAll(async () => {
  bed = await FluxTestbed.start();
}, 300_000);
afterAll(() => bed?.stop());

/** The step folder a Kustomization applies (its `spec.path` without `./` and the platform's git.path). */
function folderOf(step: { path: string }): string {
  return path.posix.relative(path.posix.join('.', platform.git.path), path.posix.normalize(step.path));
}

/** Objects of the tree whose file is `file` (relative to dist/flux). */
function objectsOfFile(file: string): Manifest[] {
  const objects = folderObjects(fluxDir, path.dirname(file)).filter((o) => o.source === `dist/flux/${file}`).map((o) => o.object);
  if (objects.length === 0) throw new Error(`no objects from dist/flux/${file}: the default platform changed shape`);
  return objects;
}

/** What a Secret's `data` holds once the API server has stored it: stringData base64-encoded, merged in. */
function storedData(secret: Manifest): Record<string, string> {
  const { data = {}, stringData = {} } = secret as { data?: Record<string, string>; stringData?: Record<string, unknown> };
  const encoded = Object.entries(stringData).map(([k, v]) => [k, Buffer.from(String(v)).toString('base64')]);
  return { ...data, ...Object.fromEntries(encoded) };
}

test('the default platform has the three Flux steps, chained by dependsOn', () => {
  expect(steps.map((s) => `${s.name} <- ${s.dependsOn.join(', ')}`).sort()).toEqual([
    'apps <- infra-configs',
    'infra-configs <- infra-controllers',
    'infra-controllers <- ',
  ]);
  expect(steps.map(folderOf).sort()).toEqual([...stepFolders].sort());
});

reconciled.test('Flux applies every step at the pushed revision, each only once the steps it dependsOn are Ready', async () => {
  first = await bed.push(fluxDir, 'ballast: the default platform', platform.git.path);
  // Watching from before the sync exists: the order is recorded as the API server stores the changes.
  const order = new ReadyOrder(bed.server, first.revision);
  let observed: string[];
  try {
    await order.started();
    await bed.bootstrap(platform, plan, TEST_AGE.identity);
    await bed.waitForKustomizations(['flux-system', ...stepNames], first);
    // The watch can deliver the last change a moment after a GET saw it.
    const deadline = Date.now() + 10_000;
    while (!stepNames.every((n) => order.order().includes(n)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    observed = order.order();
  } finally {
    order.stop();
  }
  expect(observed).toEqual(expect.arrayContaining(stepNames));
  const early = steps.flatMap((s) =>
    s.dependsOn
      .filter((dep) => observed.indexOf(dep) > observed.indexOf(s.name))
      .map((dep) => `${s.name} became Ready before ${dep}, which it dependsOn (observed order: ${observed.join(', ')})`),
  );
  expect(early).toEqual([]);
  // The one deviation from the synthesized Kustomizations (see fluxInstanceSync): no pods ever run here.
  for (const name of stepNames) {
    const live = (await getFluxObject(bed.server, { kind: 'Kustomization', name })) as FluxObject & { spec: { wait?: boolean } };
    expect({ name, wait: live.spec.wait }).toEqual({ name, wait: false });
  }
});

reconciled.test('each step applied exactly the objects its folder lists (its inventory)', async () => {
  expect(first).toBeDefined();
  for (const step of steps) {
    const live = await getFluxObject(bed.server, { kind: 'Kustomization', name: step.name });
    const inventory = (live?.status?.inventory?.entries ?? []).map((e) => e.id).sort();
    const expected = folderObjects(fluxDir, folderOf(step)).map((o) => inventoryId(idOf(o.object))).sort();
    expect({ step: step.name, inventory }).toEqual({ step: step.name, inventory: expected });
  }
});

reconciled.test("the SOPS-encrypted Secrets are decrypted by Flux's own kustomize-controller with the sops-age key", async () => {
  const documents = stepFolders.flatMap((folder) => encryptedDocuments(fluxDir, folder, TEST_AGE.identity));
  // The default platform keeps its database credentials in Git (see docs/secrets.md).
  expect(documents.filter((d) => d.plaintext.kind === 'Secret').length).toBeGreaterThanOrEqual(2);
  const live: Record<string, unknown> = {};
  const expected: Record<string, unknown> = {};
  for (const { file, plaintext } of documents) {
    const key = `${file}: ${describeId(idOf(plaintext))}`;
    expected[key] = { type: plaintext.type, data: storedData(plaintext) };
    const stored = await getObject(bed.server, idOf(plaintext));
    live[key] = stored ? { type: stored.type, data: stored.data } : 'not in the cluster';
  }
  expect(live).toEqual(expected);
});

reconciled.test('with another age key in sops-age, kustomize-controller refuses to apply an encrypted step, and says why', async () => {
  expect(first).toBeDefined();
  const step = steps.find((s) => encryptedDocuments(fluxDir, folderOf(s), TEST_AGE.identity).length > 0);
  if (!step) throw new Error('no step of the default platform holds an encrypted Secret');
  const ref = { kind: 'Kustomization', name: step.name } as const;
  const diagnostics = () => bed.diagnostics();
  await bed.setAgeIdentity(generateAgeIdentity().identity);
  try {
    const handled = await requestReconcile(bed.server, ref);
    const failed = await waitForHandled(bed.server, ref, handled, { timeoutMs: 60_000, diagnostics });
    const ready = failed.status?.conditions?.find((c) => c.type === 'Ready');
    expect({ status: ready?.status, reason: ready?.reason }).toEqual({ status: 'False', reason: 'BuildFailed' });
    expect(ready?.message).toMatch(/decrypt/i);
  } finally {
    // Back to the right key, and Ready again, for the tests that follow.
    await bed.setAgeIdentity(TEST_AGE.identity);
    const handled = await requestReconcile(bed.server, ref);
    await waitForReady(bed.server, ref, first.revision, { handled, diagnostics });
  }
});

// helm-controller cannot be built here (its module is not served) and no CloudNativePG operator runs:
// these objects are stored as Flux applied them, and stay unreconciled.
reconciled.test('HelmReleases and the database objects are applied as synthesized (nothing reconciles them: no helm-controller, no operator)', async () => {
  const watched = stepFolders
    .flatMap((folder) => folderObjects(fluxDir, folder))
    .filter(({ object }) => ['HelmRelease', 'Cluster', 'Database'].includes(object.kind));
  expect(new Set(watched.map((o) => o.object.kind))).toEqual(new Set(['HelmRelease', 'Cluster', 'Database']));
  const problems: string[] = [];
  for (const { source, object } of watched) {
    const stored = await getObject(bed.server, idOf(object));
    if (!stored) problems.push(`${source}: ${describeId(idOf(object))} is not in the cluster`);
    // The server adds the CRD's defaults, so the stored spec holds the synthesized one rather than equals it.
    else problems.push(...notHeld(object.spec, stored.spec, 'spec').map((d) => `${source}: ${describeId(idOf(object))} ${d}`));
  }
  expect(problems).toEqual([]);
});

describe('a second commit', () => {
  const dropped = ['apps/articles-ui.yaml', 'infrastructure/configs/postgres.yaml'];
  const protectedBy = (o: Manifest) => (o.metadata.annotations as Record<string, string> | undefined)?.[PRUNE] === 'disabled';

  reconciled.test('prunes the objects that left Git, and leaves those marked prune: disabled in the cluster', async () => {
    expect(first).toBeDefined();
    const objects = dropped.flatMap(objectsOfFile);
    const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'articles-ui');
    const cluster = objects.find((o) => o.kind === 'Cluster');
    if (!deployment || !cluster) throw new Error(`the dropped files no longer hold the Deployment articles-ui and a Cluster: ${dropped.join(', ')}`);
    // Each assertion below can fail: both kinds of object are there, and only one is protected.
    expect(protectedBy(deployment)).toBe(false);
    expect(protectedBy(cluster)).toBe(true);
    const absent: string[] = [];
    for (const o of objects) if (!(await getObject(bed.server, idOf(o)))) absent.push(describeId(idOf(o)));
    expect(absent).toEqual([]);

    const tree = tempDir('ballast-flux-second-');
    fs.cpSync(fluxDir, tree, { recursive: true });
    for (const file of dropped) dropResource(tree, path.dirname(file), path.basename(file));
    await bed.pushAndReconcile(tree, `drop ${dropped.join(' and ')}`, stepNames, platform.git.path);

    // Deleted, or deletion requested (a Namespace stays Terminating: no controller-manager finishes it).
    const state = async (o: Manifest) => {
      const live = await getObject(bed.server, idOf(o));
      return live && !(live.metadata as { deletionTimestamp?: string }).deletionTimestamp ? 'kept' : 'pruned';
    };
    const observed: string[] = [];
    for (const o of objects) observed.push(`${describeId(idOf(o))}: ${await state(o)}`);
    expect(observed).toEqual(objects.map((o) => `${describeId(idOf(o))}: ${protectedBy(o) ? 'kept' : 'pruned'}`));
    expect(await state(deployment)).toBe('pruned');
    expect(await state(cluster)).toBe('kept');
    // Kept, and no longer Flux's: it left the step's inventory, so a later commit cannot prune it either.
    const configs = steps.find((s) => folderOf(s) === path.dirname(dropped[1]));
    if (!configs) throw new Error(`no step Kustomization applies ${path.dirname(dropped[1])}`);
    const inventory = (await getFluxObject(bed.server, { kind: 'Kustomization', name: configs.name }))?.status?.inventory?.entries ?? [];
    expect(inventory.map((e) => e.id)).not.toContain(inventoryId(idOf(cluster)));
  });
});
