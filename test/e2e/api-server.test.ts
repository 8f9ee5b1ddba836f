// A real kube-apiserver 1.34 (with etcd) accepts every Kubernetes object ballast produces, in either
// backend, applied with server-side apply in the order Terraform and Flux apply them; a second apply
// changes nothing (no drift for Flux to correct, no diff for Terraform to plan).
import * as path from 'path';
import { stringify } from 'yaml';
import { Manifest } from '../../lib/internal';
import { rolloutOrder, Rollout } from '../support/e2e/rollout';
import { apiServerForFile, describeObject, FIELD_MANAGER } from '../support/e2e/server-side-apply';
import { needsReferenceData } from '../support/reference-gate';
import { allCrds, moduleCrds } from '../support/shared-data';
import { defaultPlan, fluxObjects, synthToTemp } from '../support/synth';

const api = apiServerForFile();

const fluxDir = path.join(synthToTemp(), 'flux');
const rollout = rolloutOrder(defaultPlan().plan, fluxDir);

// Custom resources need their CRDs, which come from the reference data: without it, the checks that apply
// them are skipped; the server itself, the rollout order and built-in kinds are still checked.
const crds = needsReferenceData('objects of either backend applied to the API server (its CRDs)');

/** What the server stored for each object after the first apply (by index in `rollout`). */
const firstApply: Manifest[] = [];

/**
 * Applies `objects` in order, putting what the server stored at the same index of `stored`; returns one
 * line per rejection or warning, with the file, the object and the server's message.
 */
async function applyAll(objects: readonly Rollout[], stored: Manifest[] = []): Promise<string[]> {
  const problems: string[] = [];
  for (const [i, { source, object }] of objects.entries()) {
    try {
      const { stored: live, warnings } = await api.ssa.apply(object);
      stored[i] = live;
      warnings.forEach((w) => problems.push(`${source}: ${describeObject(object)} drew a warning: ${w}`));
    } catch (err) {
      problems.push(`${source}: ${describeObject(object)} was rejected: ${(err as Error).message}`);
    }
  }
  return problems;
}

/** `kubectl diff --server-side` over `objects`: the dry-run comparison a GitOps tool makes. */
function kubectlDiff(objects: readonly Rollout[]) {
  const stream = objects.map((o) => stringify(o.object)).join('---\n');
  return api.server.kubectl(['diff', '--server-side', `--field-manager=${FIELD_MANAGER}`, '-f', '-'], stream);
}

test('kubectl reaches the pinned API server through the written kubeconfig', () => {
  const result = api.server.kubectl(['version', '-o', 'json']);
  expect(result.stderr).toBe('');
  expect(JSON.parse(result.stdout).serverVersion.gitVersion).toBe('v1.34.4');
});

crds.test('every CRD of the reference data (and of the pinned plugin module) is installed and Established', async () => {
  const crds = [...allCrds(), ...moduleCrds()];
  const problems = await applyAll(crds.map(({ file, crd }) => ({ source: file, object: crd as Manifest })));
  expect(problems).toEqual([]);
  await api.ssa.waitEstablished(crds.map(({ crd }) => crd.metadata.name));
});

test('the rollout covers both backends and every object of the Flux tree', () => {
  const kinds = new Set(rollout.map((o) => o.object.kind));
  for (const kind of ['Namespace', 'Secret', 'Kustomization', 'HelmRepository', 'HelmRelease', 'IngressRoute', 'Middleware']) {
    expect(kinds).toContain(kind);
  }
  // Objects in no kustomization.yaml would never reach the cluster through Flux, nor this test.
  const inTree = fluxObjects(fluxDir).filter((o) => o.object.apiVersion !== 'kustomize.config.k8s.io/v1beta1');
  const applied = rollout.filter((o) => o.source.startsWith('dist/flux/'));
  expect(applied.map((o) => `${o.source} ${describeObject(o.object)}`).sort()).toEqual(
    inTree.map((o) => `dist/flux/${o.file} ${describeObject(o.object)}`).sort(),
  );
});

crds.test('every object of either backend is accepted, without warnings, in apply order', async () => {
  expect(await applyAll(rollout, firstApply)).toEqual([]);
});

/**
 * What the object holds, without the server's bookkeeping on its first update after create, which
 * changes nothing ballast asked for: a custom resource is stored without the status defaults its CRD
 * declares (Flux's `status.observedGeneration: -1`) until its first update persists them, and an object
 * whose apply owns no field (a Namespace with only a name) gets a `before-first-apply` managedFields entry.
 */
function content(o: Manifest): Manifest {
  const { resourceVersion: _rv, managedFields, ...metadata } = o.metadata as Manifest['metadata'] & { managedFields?: { manager: string }[] };
  const kept = managedFields?.filter((m) => m.manager !== 'before-first-apply');
  return { ...o, metadata: { ...metadata, ...(kept?.length ? { managedFields: kept } : {}) } };
}

/** The objects the server stored anew between two applies (it bumps resourceVersion only on a write). */
function writtenAgain(objects: readonly Rollout[], before: Manifest[], after: Manifest[]): string[] {
  const version = (o: Manifest) => o.metadata.resourceVersion;
  return objects.flatMap((o, i) =>
    version(before[i]) === version(after[i])
      ? []
      : [`${o.source}: ${describeObject(o.object)} was written again (resourceVersion ${version(before[i])} -> ${version(after[i])})`],
  );
}

crds.test('applying everything again changes nothing', async () => {
  expect(firstApply).toHaveLength(rollout.length);
  const second: Manifest[] = [];
  expect(await applyAll(rollout, second)).toEqual([]);
  expect(second.map(content)).toEqual(firstApply.map(content));
  // From then on the server stores nothing at all.
  const third: Manifest[] = [];
  expect(await applyAll(rollout, third)).toEqual([]);
  expect(writtenAgain(rollout, second, third)).toEqual([]);
  // And the dry-run comparison a GitOps tool makes: exit code 0 means no difference.
  const diff = kubectlDiff(rollout);
  expect({ status: diff.status, stdout: diff.stdout, stderr: diff.stderr }).toEqual({ status: 0, stdout: '', stderr: '' });
});

describe('the checks can fail', () => {
  const find = (kind: string) => {
    const found = rollout.find((o) => o.object.kind === kind);
    if (!found) throw new Error(`no ${kind} in the rollout`);
    return found;
  };
  const withSpec = (o: Rollout, spec: object): Rollout => ({ ...o, object: { ...o.object, spec: { ...(o.object.spec as object), ...spec } } });

  crds.test('an object the schema rejects is reported with its file, the object and the server message', async () => {
    const route = withSpec(find('IngressRoute'), { entryPoints: 'websecure' });
    const [problem, ...rest] = await applyAll([route]);
    expect(rest).toEqual([]);
    expect(problem).toMatch(/^dist\/flux\/infrastructure\/configs\/\S+\.yaml: IngressRoute \S+ was rejected: .*\.spec\.entryPoints: expected list/);
  });

  test('an invalid name of a built-in kind is rejected', async () => {
    const service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'Traefik', namespace: 'default' }, spec: { ports: [{ port: 80 }] } };
    expect(await applyAll([{ source: 'test', object: service }])).toEqual([expect.stringMatching(/Service default\/Traefik was rejected: 422: .*metadata\.name: Invalid value: "Traefik": a DNS-1035 label/)]);
  });

  crds.test('an object in a namespace nobody created yet is refused, so the apply order is checked', async () => {
    const middleware = find('Middleware');
    const elsewhere = { ...middleware, object: { ...middleware.object, metadata: { ...middleware.object.metadata, namespace: 'not-created' } } };
    expect(await applyAll([elsewhere])).toEqual([expect.stringMatching(/Middleware not-created\/\S+ was rejected: 404: namespaces "not-created" not found/)]);
  });

  crds.test('an API version the CRDs no longer serve is reported', async () => {
    const release = find('HelmRelease');
    const old = { ...release, object: { ...release.object, apiVersion: 'helm.toolkit.fluxcd.io/v2beta1' } };
    expect(await applyAll([old])).toEqual([expect.stringMatching(/HelmRelease \S+ was rejected: the API server does not serve HelmRelease in helm\.toolkit\.fluxcd\.io\/v2beta1 \(404/)]);
  });

  crds.test('a field the schema does not know is rejected, not silently pruned', async () => {
    const release = withSpec(find('HelmRelease'), { intervall: '5m' });
    expect(await applyAll([release])).toEqual([expect.stringMatching(/HelmRelease \S+ was rejected: .*\.spec\.intervall: field not declared in schema/)]);
  });

  crds.test('a changed object shows in the diff, and is written again when applied', async () => {
    const release = find('HelmRelease');
    const changed = withSpec(release, { interval: '5m' });
    const diff = kubectlDiff([changed]);
    expect(diff.status).toBe(1);
    expect(diff.stdout).toMatch(/\+\s+interval: 5m/);
    const stored: Manifest[] = [];
    expect(await applyAll([release, changed, release], stored)).toEqual([]);
    const [steady, edited, restored] = stored;
    expect(writtenAgain([changed], [steady], [edited])).toEqual([expect.stringMatching(/HelmRelease \S+ was written again/)]);
    expect(restored.spec).toEqual(steady.spec);
  });
});
