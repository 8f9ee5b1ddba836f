// The e2e check of one fleet cluster: every object of that cluster, as Terraform and Flux would apply it
// (Flux through kustomize, which applies the cluster's patches over the shared base), accepted by a real
// API server of its own. One test file per cluster: clusters share object names, and an immutable field
// that differs between them (a Job's template) would make the second cluster's apply fail on one server.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { exampleFleet } from '../../../apps/fleet';
import { componentFileName, FLUX_STEPS, Manifest, MANUAL_FOLDER, sopsDecrypt, STEP_FOLDERS, synthFleet, terraformObjects } from '../../../lib/internal';
import { needsReferenceData } from '../reference-gate';
import { allCrds } from '../shared-data';
import { tempDir, TEST_AGE } from '../synth';
import { toolPath } from '../tools';
import { Rollout } from './rollout';
import { apiServerForFile } from './server-side-apply';

const identity = (o: Manifest) => `${o.apiVersion}/${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;

/**
 * The objects kustomize builds from `clusters/<cluster>/<folder>`, encrypted Secrets decrypted as
 * kustomize-controller does (from the cluster's own files, whose bytes the MAC covers).
 */
function builtObjects(fluxDir: string, cluster: string, folder: string): Rollout[] {
  const dir = path.join(fluxDir, 'clusters', cluster, folder);
  const decrypted = new Map<string, Manifest>();
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')) {
    for (const part of fs.readFileSync(path.join(dir, file), 'utf8').split(/^---\n/m).filter((d) => d.includes('\nsops:'))) {
      const secret = sopsDecrypt(part, TEST_AGE.identity) as Manifest;
      decrypted.set(identity(secret), secret);
    }
  }
  const out = execFileSync(toolPath('kubectl'), ['kustomize', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return parseAllDocuments(out)
    .map((d) => d.toJSON() as Manifest & { sops?: unknown })
    .filter((o) => o)
    .map((o) => ({ source: `clusters/${cluster}/${folder}`, object: o.sops ? decrypted.get(identity(o))! : o }));
}

/** Registers the tests of `cluster` of the example fleet against an API server of this test file. */
export function fleetClusterOnApiServer(cluster: string): void {
  const api = apiServerForFile();
  const crds = needsReferenceData(`the objects of the fleet's ${cluster} cluster applied to the API server (its CRDs)`);
  const dist = tempDir('ballast-fleet-');
  const fluxDir = path.join(dist, 'flux');
  const { plans } = synthFleet(exampleFleet({ ageRecipients: [TEST_AGE.recipient] }), { fluxDir, terraformDir: path.join(dist, 'cdktf') });
  const plan = plans.find((p) => p.cluster === cluster)!.plan;
  const tf = terraformObjects(plan, (v) => `test-${v.variable}`);
  const rollout: Rollout[] = [
    ...tf.namespaces.map((object) => ({ source: `cdktf stack ${cluster} (namespace)`, object })),
    ...tf.secrets.map((object) => ({ source: `cdktf stack ${cluster} (secret)`, object })),
    ...tf.manifests.map((object) => ({ source: `cdktf stack ${cluster} (manifest)`, object })),
    ...builtObjects(fluxDir, cluster, '.'),
    ...FLUX_STEPS.flatMap((step) => builtObjects(fluxDir, cluster, STEP_FOLDERS[step])),
    // Load tests (staging's), as someone applies them by hand.
    ...plan.manual.flatMap(({ component }) => builtObjects(fluxDir, cluster, path.join(MANUAL_FOLDER, componentFileName(component)))),
  ];

  test(`the ${cluster} rollout holds its Flux Kustomizations, shared objects with its patches, and its decrypted Secrets`, () => {
    const kinds = new Set(rollout.map((o) => o.object.kind));
    for (const kind of ['Namespace', 'Secret', 'Kustomization', 'HelmRelease', 'IngressRoute', 'Cluster']) expect(kinds).toContain(kind);
    expect(kinds.has('TestRun')).toBe(cluster === 'staging');
    const routes = rollout.filter((o) => o.object.kind === 'IngressRoute').map((o) => JSON.stringify(o.object.spec));
    const domain = cluster === 'staging' ? 'staging.platform.example.com' : 'platform.example.com';
    for (const r of routes) expect(r).toMatch(new RegExp(`Host\\(\`[a-z]+\\.${domain.replace(/\./g, '\\.')}\`\\)`));
    expect(rollout.filter((o) => o.object.kind === 'Secret' && (o.object as { sops?: unknown }).sops)).toEqual([]);
  });

  crds.test('every CRD of the reference data is installed and Established', async () => {
    const all = allCrds();
    expect((await api.ssa.applyEach(all.map(({ file, crd }) => ({ source: file, object: crd as Manifest })))).problems).toEqual([]);
    await api.ssa.waitEstablished(all.map(({ crd }) => crd.metadata.name));
  });

  crds.test(`every object of the ${cluster} cluster is accepted, without warnings, in apply order`, async () => {
    expect((await api.ssa.applyEach(rollout)).problems).toEqual([]);
  });
}
