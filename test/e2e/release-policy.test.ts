// A real kube-apiserver 1.34 with the Flux CRDs accepts what the release policy and OCI charts write:
// HelmReleases with every policy field (timeout, wait off, remediation on and off, drift detection with
// ignore rules, CRD policies), a HelmRelease with chartRef and its OCIRepository, and a HelmRepository
// beside them; applied with strict field validation, so a field the CRDs do not know is an error.
import * as path from 'path';
import { catalog, CatalogChart, Duration, HelmComponent, Manifest } from '../../lib/internal';
import { apiServerForFile, describeObject } from '../support/e2e/server-side-apply';
import { testPlatform } from '../support/platforms';
import { needsReferenceData } from '../support/reference-gate';
import { allCrds } from '../support/shared-data';
import { fluxObjects, synthToTemp } from '../support/synth';

const crds = needsReferenceData('HelmRelease and OCIRepository of the release policy against the API server (the Flux CRDs)');

const api = apiServerForFile();

const podinfoOci: CatalogChart = { chart: 'podinfo', version: '6.7.1', repository: { name: 'stefanprodan', url: 'oci://ghcr.io/stefanprodan/charts', type: 'oci' } };

/** The Flux objects of a platform with one release per kind of policy, in the order of their files. */
function synthesized(): Manifest[] {
  const platform = testPlatform({ releasePolicy: { timeout: Duration.minutes(15), interval: Duration.hours(1) } });
  new HelmComponent(platform, 'oci', {
    chart: podinfoOci,
    namespace: 'oci',
    releasePolicy: { wait: false, remediation: false, driftDetection: 'warn', driftIgnore: [{ paths: ['/spec/replicas'], target: { group: 'apps', version: 'v1', kind: 'Deployment', labelSelector: 'app=podinfo' } }] },
  });
  new HelmComponent(platform, 'traefik', { chart: catalog.traefik, namespace: 'traefik', releasePolicy: { crds: 'Skip', remediation: { retries: 0, upgradeStrategy: 'uninstall' } } });
  new HelmComponent(platform, 'monitoring', { chart: catalog.kubePrometheusStack, namespace: 'monitoring', releasePolicy: { driftDetection: 'disabled' } });
  new HelmComponent(platform, 'keda', { chart: catalog.keda, namespace: 'keda' });
  return fluxObjects(path.join(synthToTemp(platform), 'flux'))
    .map((f) => f.object)
    .filter((o) => ['Namespace', 'HelmRepository', 'OCIRepository', 'HelmRelease'].includes(o.kind));
}

async function applyAll(objects: readonly Manifest[]): Promise<string[]> {
  const problems: string[] = [];
  for (const object of objects) {
    try {
      const { warnings } = await api.ssa.apply(object);
      warnings.forEach((w) => problems.push(`${describeObject(object)} drew a warning: ${w}`));
    } catch (err) {
      problems.push(`${describeObject(object)} was rejected: ${(err as Error).message}`);
    }
  }
  return problems;
}

crds.test('the Flux CRDs are installed and Established', async () => {
  const flux = allCrds().filter(({ crd }) => String(crd.spec.group).endsWith('.toolkit.fluxcd.io'));
  expect(await applyAll(flux.map(({ crd }) => crd as Manifest))).toEqual([]);
  await api.ssa.waitEstablished(flux.map(({ crd }) => crd.metadata.name));
});

crds.test('every policy field, chartRef and the OCIRepository are accepted, and stored as written', async () => {
  const objects = synthesized();
  expect(objects.map((o) => o.kind).sort()).toEqual([
    ...Array(4).fill('HelmRelease'),
    ...Array(3).fill('HelmRepository'),
    ...Array(4).fill('Namespace'),
    'OCIRepository',
  ]);
  expect(await applyAll(objects)).toEqual([]);
  // The server kept every field ballast wrote (nothing pruned; it adds its defaults, such as a source's provider).
  for (const object of objects.filter((o) => o.kind !== 'Namespace')) {
    const { stored } = await api.ssa.apply(object);
    expect({ object: describeObject(object), spec: stored.spec }).toMatchObject({ object: describeObject(object), spec: object.spec as object });
  }
});

crds.test('the checks can fail: chart and chartRef together, an unknown layer operation, an unknown policy field', async () => {
  const [release] = synthesized().filter((o) => o.kind === 'HelmRelease' && o.metadata.name === 'podinfo') as (Manifest & { spec: Record<string, any> })[];
  const source = synthesized().find((o) => o.kind === 'OCIRepository') as Manifest & { spec: Record<string, any> };
  const both = { ...release, metadata: { ...release.metadata, name: 'both' }, spec: { ...release.spec, chart: { spec: { chart: 'podinfo', sourceRef: { kind: 'HelmRepository', name: 'podinfo' } } } } };
  const move = { ...source, metadata: { ...source.metadata, name: 'move' }, spec: { ...source.spec, layerSelector: { ...source.spec.layerSelector, operation: 'move' } } };
  const unknown = { ...release, metadata: { ...release.metadata, name: 'unknown' }, spec: { ...release.spec, install: { ...release.spec.install, waitForever: true } } };
  const problems = await applyAll([both, move, unknown]);
  expect(problems).toHaveLength(3);
  expect(problems[0]).toMatch(/^HelmRelease oci\/both was rejected: .*either chart or chartRef must be set/);
  expect(problems[1]).toMatch(/^OCIRepository oci\/move was rejected: .*operation.*Unsupported value: "move"/);
  expect(problems[2]).toMatch(/^HelmRelease oci\/unknown was rejected: .*\.spec\.install\.waitForever: field not declared in schema/);
});
