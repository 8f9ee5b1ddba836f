// The Flux repository layout: step folders, the Kustomization chain, sources and releases.
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { catalog, chartSource, KubePrometheusStack, Manifest, planPlatform, renderFluxRepository, toYaml, Traefik } from '../../lib/internal';
import { testPlatform } from '../support/platforms';
import { defaultPlan, fluxObjects, readTree, synthToTemp } from '../support/synth';

const dist = path.join(synthToTemp(), 'flux');
const files = readTree(dist);
const objects = fluxObjects(dist);
const find = (kind: string, name: string): Manifest => {
  const found = objects.find(({ object }) => object.kind === kind && object.metadata?.name === name);
  if (!found) throw new Error(`no ${kind} ${name}`);
  return found.object;
};

test('clusters/<cluster> chains controllers -> configs -> apps', () => {
  const ks = (name: string) => find('Kustomization', name).spec as Record<string, any>;
  expect(ks('infra-controllers').dependsOn).toBeUndefined();
  expect(ks('infra-configs').dependsOn).toEqual([{ name: 'infra-controllers' }]);
  expect(ks('apps').dependsOn).toEqual([{ name: 'infra-configs' }]);
  for (const name of ['infra-controllers', 'infra-configs', 'apps']) {
    expect(find('Kustomization', name).apiVersion).toBe('kustomize.toolkit.fluxcd.io/v1');
    expect(ks(name)).toMatchObject({ prune: true, wait: true, sourceRef: { kind: 'GitRepository', name: 'flux-system' } });
  }
  expect(ks('infra-configs').path).toBe('./infrastructure/configs');
});

test('every folder lists exactly its YAML files in kustomization.yaml', () => {
  // .ballast/ holds the inventory (and the list of files a synth wrote), which no Kustomization applies.
  const folders = new Set(Object.keys(files).map((f) => path.dirname(f)).filter((f) => !f.startsWith('.ballast')));
  for (const folder of folders) {
    const listed = (objects.find((o) => o.file === `${folder}/kustomization.yaml`)!.object as any).resources as string[];
    const present = Object.keys(files)
      .filter((f) => path.dirname(f) === folder && f !== `${folder}/kustomization.yaml`)
      .map((f) => path.basename(f));
    expect([...listed].sort()).toEqual(present.sort());
  }
});

test('kube-prometheus-stack is a HelmRelease with a pinned chart, remediation and CRD policy', () => {
  const hr = find('HelmRelease', 'kube-prometheus-stack');
  expect(hr.apiVersion).toBe('helm.toolkit.fluxcd.io/v2');
  expect(hr.spec).toMatchObject({
    chart: { spec: { chart: 'kube-prometheus-stack', version: '88.5.3', sourceRef: { kind: 'HelmRepository', name: 'prometheus-community' } } },
    install: { crds: 'CreateReplace', remediation: { retries: 3 } },
    upgrade: { crds: 'CreateReplace', remediation: { retries: 3 } },
  });
  const repo = find('HelmRepository', 'prometheus-community');
  expect(repo.apiVersion).toBe('source.toolkit.fluxcd.io/v1');
  expect((repo.spec as any).type).toBeUndefined();
  // Prometheus holds data: the release is never pruned.
  expect(hr.metadata.annotations).toEqual({ 'kustomize.toolkit.fluxcd.io/prune': 'disabled' });
});

test('infrastructure charts are in controllers and their custom resources in configs; apps in apps', () => {
  const byFile = (kind: string) => objects.filter((o) => o.object.kind === kind).map((o) => `${path.dirname(o.file)} ${o.object.metadata.name}`).sort();
  expect(byFile('HelmRelease')).toEqual(['apps sonarqube', 'infrastructure/controllers cert-manager', 'infrastructure/controllers cnpg', 'infrastructure/controllers k6-operator', 'infrastructure/controllers keda', 'infrastructure/controllers kube-prometheus-stack']);
  expect(byFile('IngressRoute')).toEqual([
    'apps articles-api',
    'apps articles-ui',
    'apps sonarqube',
    'infrastructure/configs dashboard',
    'infrastructure/configs grafana',
    'infrastructure/configs prometheus',
  ]);
  expect(byFile('ScaledObject')).toEqual(['apps articles-api']);
  expect(byFile('Middleware')).toEqual(['infrastructure/configs admin-login', 'infrastructure/configs admin-networks']);
  expect(byFile('Cluster')).toEqual(['infrastructure/configs postgres']);
});

test('no Secret is written to the Flux repository unencrypted, and no secret value in plaintext', () => {
  // Every Secret carries a sops block, and every value under data/stringData is a SOPS ciphertext.
  const secrets = objects.filter((o) => o.object.kind === 'Secret');
  expect(secrets.length).toBeGreaterThan(0);
  for (const { object } of secrets) {
    const o = object as Manifest & { sops?: { mac?: string }; data?: Record<string, string>; stringData?: Record<string, string> };
    expect(o.sops?.mac).toMatch(/^ENC\[AES256_GCM,/);
    for (const v of [...Object.values(o.data ?? {}), ...Object.values(o.stringData ?? {})]) expect(v).toMatch(/^ENC\[AES256_GCM,data:/);
  }
  // The values the e2e tier gives the sensitive variables, and what real ones look like.
  const placeholders = defaultPlan().plan.terraform.variables.map((v) => `test-${v.variable}`);
  expect(placeholders.length).toBeGreaterThan(0);
  const text = Object.values(files).join('\n');
  placeholders.forEach((p) => expect(text).not.toContain(p));
  expect(text).not.toMatch(/password: (?!ENC\[)|\$apr1\$/);
});

test('strings that YAML 1.1 reads as booleans are quoted', () => {
  expect(toYaml({ a: 'yes', b: 'on', c: 'y', d: 'true', e: 'plain' })).toBe('a: "yes"\nb: "on"\nc: "y"\nd: "true"\ne: plain\n');
});

test('a chart from an OCI registry gets an OCIRepository of its own, not a HelmRepository', () => {
  const chart = { chart: catalog.fluxOperator, releaseName: 'flux-operator', values: {} };
  expect(chartSource(chart, 'flux-system', true)).toEqual({
    apiVersion: 'source.toolkit.fluxcd.io/v1',
    kind: 'OCIRepository',
    metadata: { name: 'flux-operator', namespace: 'flux-system' },
    spec: {
      interval: '12h',
      url: 'oci://ghcr.io/controlplaneio-fluxcd/charts/flux-operator',
      ref: { tag: '0.49.0' },
      layerSelector: { mediaType: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip', operation: 'copy' },
    },
  });
  expect(chartSource({ chart: catalog.keda, releaseName: 'keda', values: {} }, 'keda', true)).toEqual({
    apiVersion: 'source.toolkit.fluxcd.io/v1',
    kind: 'HelmRepository',
    metadata: { name: 'kedacore', namespace: 'keda' },
    spec: { interval: '12h', url: 'https://kedacore.github.io/charts' },
  });
});

test('a component deployed after another Flux component waits for its HelmRelease', () => {
  const platform = testPlatform();
  const traefik = new Traefik(platform, 'traefik');
  const monitoring = new KubePrometheusStack(platform, 'monitoring');
  monitoring.deployAfter(traefik);
  const files = renderFluxRepository(planPlatform(platform)).files;
  const hr = parseAllDocuments(files.get('infrastructure/controllers/monitoring.yaml')!)
    .map((d) => d.toJSON())
    .find((o) => o.kind === 'HelmRelease');
  expect(hr.spec.dependsOn).toEqual([{ name: 'traefik', namespace: 'traefik' }]);
  expect(hr.metadata.annotations).toEqual({ 'kustomize.toolkit.fluxcd.io/prune': 'disabled' });
});
