// A real kube-apiserver 1.34 (with etcd) accepts every Kubernetes object ballast produces, in either
// backend, applied with server-side apply in the order Terraform and Flux apply them; a second apply
// changes nothing (no drift for Flux to correct, no diff for Terraform to plan).
import * as path from 'path';
import { stringify } from 'yaml';
import { Manifest } from '../../lib';
import { ApiServer } from '../support/e2e/api-server';
import { rolloutOrder, Rollout } from '../support/e2e/rollout';
import { describeObject, FIELD_MANAGER, ServerSideApply } from '../support/e2e/server-side-apply';
import { allCrds } from '../support/shared-data';
import { defaultPlan, fluxObjects, synthToTemp } from '../support/synth';

let server: ApiServer;
let ssa: ServerSideApply;
beforeAll(async () => {
  server = await ApiServer.start();
  ssa = new ServerSideApply(server);
}, 180_000);
afterAll(() => server?.stop());

const fluxDir = path.join(synthToTemp(), 'flux');
const rollout = rolloutOrder(defaultPlan().plan, fluxDir);

/** What the server stored for each object after the first apply (by index in `rollout`). */
const firstApply: Manifest[] = [];

/** Applies `objects` in order; returns one line per rejection or warning (file, object, server message). */
async function applyAll(objects: readonly Rollout[], stored: Manifest[] = []): Promise<string[]> {
  const problems: string[] = [];
  for (const { source, object } of objects) {
    try {
      const { stored: live, warnings } = await ssa.apply(object);
      stored.push(live);
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
  return server.kubectl(['diff', '--server-side', `--field-manager=${FIELD_MANAGER}`, '-f', '-'], stream);
}

test('kubectl reaches the pinned API server through the written kubeconfig', () => {
  const result = server.kubectl(['version', '-o', 'json']);
  expect(result.stderr).toBe('');
  expect(JSON.parse(result.stdout).serverVersion.gitVersion).toBe('v1.34.4');
});

test('every CRD of the reference data is installed and Established', async () => {
  const crds = allCrds();
  const problems = await applyAll(crds.map(({ file, crd }) => ({ source: file, object: crd as Manifest })));
  expect(problems).toEqual([]);
  await ssa.waitEstablished(crds.map(({ crd }) => crd.metadata.name));
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

test('every object of either backend is accepted, without warnings, in apply order', async () => {
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

test('applying everything again changes nothing', async () => {
  expect(firstApply).toHaveLength(rollout.length);
  const second: Manifest[] = [];
  expect(await applyAll(rollout, second)).toEqual([]);
  expect(second.map(content)).toEqual(firstApply.map(content));
  // From then on the server writes nothing at all: it bumps resourceVersion only when it stores a change.
  const third: Manifest[] = [];
  expect(await applyAll(rollout, third)).toEqual([]);
  const version = (o: Manifest) => o.metadata.resourceVersion;
  const changed = rollout.flatMap((o, i) =>
    version(second[i]) === version(third[i])
      ? []
      : [`${o.source}: ${describeObject(o.object)} was written again (resourceVersion ${version(second[i])} -> ${version(third[i])})`],
  );
  expect(changed).toEqual([]);
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

  test('an object the schema rejects is reported with its file, the object and the server message', async () => {
    const route = withSpec(find('IngressRoute'), { entryPoints: 'websecure' });
    const [problem, ...rest] = await applyAll([route]);
    expect(rest).toEqual([]);
    expect(problem).toMatch(/^dist\/flux\/infrastructure\/configs\/\S+\.yaml: IngressRoute \S+ was rejected: .*\.spec\.entryPoints: expected list/);
  });

  test('an invalid name of a built-in kind is rejected', async () => {
    const service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'Traefik', namespace: 'default' }, spec: { ports: [{ port: 80 }] } };
    expect(await applyAll([{ source: 'test', object: service }])).toEqual([expect.stringMatching(/Service default\/Traefik was rejected: 422: .*metadata\.name: Invalid value: "Traefik": a DNS-1035 label/)]);
  });

  test('a field the schema does not know is rejected, not silently pruned', async () => {
    const release = withSpec(find('HelmRelease'), { intervall: '5m' });
    expect(await applyAll([release])).toEqual([expect.stringMatching(/HelmRelease \S+ was rejected: .*\.spec\.intervall: field not declared in schema/)]);
  });

  test('a changed object shows in the diff', () => {
    const diff = kubectlDiff([withSpec(find('HelmRelease'), { interval: '5m' })]);
    expect(diff.status).toBe(1);
    expect(diff.stdout).toMatch(/\+\s+interval: 5m/);
  });
});
