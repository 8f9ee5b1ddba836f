// Every synthesized object against its schema: core kinds against the Kubernetes OpenAPI, custom
// resources against the CRD openAPIV3Schema of the pinned upstream release.
import * as path from 'path';
import { isBuiltInGroup, terraformObjects } from '../../lib/internal';
import { coreSchemaErrors } from '../support/core-schemas';
import { CrdSchemas } from '../support/crd-schemas';
import { needsReferenceData } from '../support/reference-gate';
import { defaultPlan, fluxObjects, synthToTemp } from '../support/synth';

// The CRDs come from the reference data: read on first use, so that without it the CRD tests are skipped
// and the core checks (kubernetes-models, an npm package) still run.
const crd = needsReferenceData('custom resources against their CRD schemas');
let crdSchemas: CrdSchemas | undefined;
const crds = () => (crdSchemas ??= new CrdSchemas());
const dist = synthToTemp();
const objects = fluxObjects(path.join(dist, 'flux')).filter(({ object }) => object.apiVersion !== 'kustomize.config.k8s.io/v1beta1');
const tf = terraformObjects(defaultPlan().plan, (v) => `test-${v.variable}`);
const tfObjects = [...tf.namespaces, ...tf.secrets, ...tf.manifests];

test('the default platform yields custom resources and Terraform objects to check', () => {
  expect(objects.length).toBeGreaterThan(5);
  expect(tfObjects.length).toBeGreaterThan(3);
});

crd.test('every custom resource in dist/flux matches its CRD schema', () => {
  const errors = objects
    .filter(({ object }) => !isBuiltInGroup(object.apiVersion))
    .flatMap(({ file, object }) => crds().errors(object).map((e) => `${file} ${object.kind}/${object.metadata.name}: ${e}`));
  expect(errors).toEqual([]);
});

test('every core object in either backend matches the Kubernetes OpenAPI', () => {
  const core = [...objects.map((o) => o.object), ...tfObjects].filter((o) => isBuiltInGroup(o.apiVersion));
  expect(core.length).toBeGreaterThan(0);
  expect(coreSchemaErrors(core)).toEqual([]);
});

crd.test('the CRD check rejects an unknown field and a wrong type', () => {
  const route = objects.find(({ object }) => object.kind === 'IngressRoute')!.object;
  expect(crds().errors({ ...route, spec: { ...(route.spec as object), entrypoints: ['web'] } }).join()).toMatch(/additional properties.*entrypoints/);
  expect(crds().errors({ ...route, spec: { ...(route.spec as object), entryPoints: 'websecure' } }).join()).toMatch(/must be array/);
});

test('the core check rejects a wrong type', () => {
  const bad = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x' }, stringData: { a: 1 } };
  expect(coreSchemaErrors([bad]).join()).toMatch(/stringData/);
});
