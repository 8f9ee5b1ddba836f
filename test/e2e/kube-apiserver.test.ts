// A real kube-apiserver 1.34 (with etcd) accepts every Kubernetes object ballast produces, in either
// backend, applied in the order Flux and Terraform apply them; a second apply changes nothing.
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { FLUX_STEPS, Manifest, STEP_FOLDERS, terraformObjects } from '../../lib';
import { LocalCluster } from '../support/apiserver/local-cluster';
import { allCrds } from '../support/shared-data';
import { defaultPlan, synthToTemp } from '../support/synth';

/** One object to apply, and where it came from (for the error message). */
interface Applied {
  readonly source: string;
  readonly object: Manifest;
}

let cluster: LocalCluster;
beforeAll(async () => {
  cluster = await LocalCluster.start();
});
afterAll(() => cluster?.stop());

const describeObject = (o: Manifest) => `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;

function apply({ source, object }: Applied, extra: string[] = []): void {
  try {
    cluster.kubectl(['apply', '--server-side', '--field-manager=ballast-e2e', ...extra, '-f', '-'], JSON.stringify(object));
  } catch (err) {
    throw new Error(`${source}: ${describeObject(object)} was rejected:\n${(err as Error).message}`);
  }
}

/**
 * The stored object without what the server changes on every write (resourceVersion, managedFields) and
 * without status: the part a GitOps tool compares.
 */
function stored(o: Manifest): unknown {
  const ns = o.metadata.namespace ? ['-n', o.metadata.namespace] : [];
  const kind = `${o.kind}.${o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : ''}`.replace(/\.$/, '');
  const live = JSON.parse(cluster.kubectl(['get', kind, o.metadata.name, ...ns, '-o', 'json']));
  delete live.metadata.resourceVersion;
  delete live.metadata.managedFields;
  delete live.status;
  return live;
}

/** `kubectl diff --server-side`, the dry-run comparison Flux makes to detect drift; '' when none. */
function drift({ source, object }: Applied): string {
  try {
    cluster.kubectl(['diff', '--server-side', '--field-manager=ballast-e2e', '-f', '-'], JSON.stringify(object));
    return '';
  } catch (err) {
    return `${source}: ${describeObject(object)}\n${(err as Error).message}`;
  }
}

/** The files of a kustomization folder, in the order its kustomization.yaml lists them. */
function folderObjects(root: string, folder: string): Applied[] {
  const dir = path.join(root, folder);
  const listing = parseAllDocuments(fs.readFileSync(path.join(dir, 'kustomization.yaml'), 'utf8'))[0].toJSON() as { resources: string[] };
  return listing.resources.flatMap((file) =>
    parseAllDocuments(fs.readFileSync(path.join(dir, file), 'utf8'))
      .map((d) => d.toJSON() as Manifest)
      .filter(Boolean)
      .map((object) => ({ source: `dist/flux/${folder}/${file}`, object })),
  );
}

/** Everything ballast produces, in apply order: Terraform first, then Flux's cluster entry and steps. */
function everything(): Applied[] {
  const { plan } = defaultPlan();
  const tf = terraformObjects(plan, (v) => `e2e-${v.variable}`);
  const flux = path.join(synthToTemp(), 'flux');
  return [
    ...[...tf.namespaces, ...tf.secrets, ...tf.manifests].map((object) => ({ source: 'terraform (dist/cdktf)', object })),
    ...folderObjects(flux, `clusters/${plan.platform.clusterName}`),
    ...FLUX_STEPS.flatMap((step) => folderObjects(flux, STEP_FOLDERS[step])),
  ];
}

test('the API server reports the pinned Kubernetes version', async () => {
  expect(JSON.parse(await cluster.get('/version')).gitVersion).toBe('v1.34.4');
});

test('every CRD of the reference data is installed and established', () => {
  const crds = allCrds();
  for (const { file, crd } of crds) {
    try {
      cluster.kubectl(['apply', '--server-side', '--field-manager=ballast-e2e', '-f', '-'], JSON.stringify(crd));
    } catch (err) {
      throw new Error(`${file}: ${(err as Error).message}`);
    }
  }
  cluster.kubectl(['wait', '--for=condition=Established', '--timeout=60s', 'crd', '--all']);
  expect(cluster.kubectl(['get', 'crd', '-o', 'name']).trim().split('\n')).toHaveLength(crds.length);
});

test('every object of either backend is accepted, and applying it again changes nothing', () => {
  const objects = everything();
  expect(objects.map((o) => o.object.kind)).toEqual(
    expect.arrayContaining(['Namespace', 'Secret', 'Kustomization', 'HelmRelease', 'HelmRepository', 'IngressRoute', 'Middleware']),
  );
  objects.forEach((o) => apply(o));
  // No field ballast writes is defaulted or normalized by the server in a way Flux would see as drift.
  expect(objects.map(drift).filter((d) => d !== '')).toEqual([]);
  const before = objects.map((o) => stored(o.object));
  objects.forEach((o) => apply(o));
  expect(objects.map((o) => stored(o.object))).toEqual(before);
});

test('drift is detected when the stored object differs from the synthesized one', () => {
  const release = everything().find((o) => o.object.kind === 'HelmRelease')!;
  const changed = { ...release, object: { ...release.object, spec: { ...(release.object.spec as object), interval: '5m' } } };
  expect(drift(changed)).toMatch(/interval/);
});

test('an object the server rejects fails with the file, the object and the server message', () => {
  const route = everything().find((o) => o.object.kind === 'IngressRoute')!;
  const broken = { ...route, object: { ...route.object, spec: { ...(route.object.spec as object), entryPoints: 'websecure' } } };
  expect(() => apply(broken, ['--dry-run=server'])).toThrow(
    /dist\/flux\/infrastructure\/configs\/\S+\.yaml: IngressRoute \S+ was rejected:[\s\S]*entryPoints/,
  );
});
