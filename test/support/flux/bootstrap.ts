import * as fs from 'fs';
import { parseAllDocuments } from 'yaml';
import { DeploymentPlan, FLUX_NAMESPACE, FLUX_SOURCE_NAME, Manifest, Platform, terraformObjects } from '../../../lib/internal';
import { describeObject, ServerSideApply } from '../e2e/server-side-apply';
import { allCrds } from '../shared-data';
import { fluxControllerCrdFiles } from './tools';

/** Applies `objects` in order; throws naming the object and the server's message. */
export async function applyAll(ssa: ServerSideApply, objects: readonly Manifest[], source: string): Promise<void> {
  for (const object of objects) {
    try {
      await ssa.apply(object);
    } catch (err) {
      throw new Error(`${source}: ${describeObject(object)} was rejected: ${(err as Error).message}`);
    }
  }
}

/**
 * Every CRD of the reference data (Flux's from crds/fluxcd/, as the e2e tier installs them), then the
 * CRDs the controllers ship that the reference data lacks (Bucket, ExternalArtifact: the controllers
 * watch them and cannot start without); waits until all are Established.
 */
export async function installCrds(ssa: ServerSideApply): Promise<void> {
  const reference = allCrds().map(({ file, crd }) => ({ file, crd: crd as Manifest }));
  const names = new Set(reference.map(({ crd }) => crd.metadata.name));
  const shipped = (['source-controller', 'kustomize-controller'] as const)
    .flatMap(fluxControllerCrdFiles)
    .flatMap((file) => parseAllDocuments(fs.readFileSync(file, 'utf8')).map((doc) => ({ file, crd: doc.toJSON() as Manifest | null })))
    .filter((c): c is { file: string; crd: Manifest } => c.crd?.kind === 'CustomResourceDefinition' && !names.has(c.crd.metadata.name));
  for (const { file, crd } of [...reference, ...shipped]) await applyAll(ssa, [crd], file);
  await ssa.waitEstablished([...reference, ...shipped].map(({ crd }) => crd.metadata.name));
}

/**
 * What Terraform creates before Flux runs: its namespaces (flux-system among them), its Secrets with a
 * test value for each sensitive variable, its plain objects; and the Secret flux-system/sops-age with the
 * age identity that decrypts the repository's Secrets (`*.agekey`, what kustomize-controller reads),
 * applied even when the plan's Terraform side does not write it.
 */
export async function applyTerraformSide(ssa: ServerSideApply, plan: DeploymentPlan, ageIdentity: string): Promise<void> {
  const tf = terraformObjects(plan, (v) => (v.variable === 'sops_age_key' ? ageIdentity : `test-${v.variable}`));
  const flux = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: FLUX_NAMESPACE } };
  await applyAll(ssa, tf.namespaces, 'Terraform namespace');
  await applyAll(ssa, [flux], 'flux-system namespace');
  await applyAll(ssa, tf.secrets, 'Terraform secret');
  await applyAll(ssa, tf.manifests, 'Terraform manifest');
  await applyAll(ssa, [sopsAgeSecret(ageIdentity)], 'sops-age secret');
}

/** The Secret the Kustomizations' `decryption.secretRef` names, holding one age identity. */
export function sopsAgeSecret(ageIdentity: string): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'sops-age', namespace: FLUX_NAMESPACE },
    type: 'Opaque',
    stringData: { 'age.agekey': ageIdentity },
  };
}

/** Where the FluxInstance syncs from. */
export interface SyncSource {
  /** The loopback Git server's clone URL. */
  readonly url: string;
  readonly branch: string;
  /** The path of clusters/<cluster> in the repository, as the FluxInstance's `sync.path`. */
  readonly path: string;
  readonly interval: string;
}

/** The sync path of `platform`, as the FluxInstance computes it (git.path, then clusters/<cluster>). */
export function syncPath(platform: Platform): string {
  return [platform.git.path, 'clusters', platform.clusterName].filter((p) => p).join('/');
}

/**
 * What the FluxInstance creates for its sync: the GitRepository `flux-system` and the root Kustomization
 * `flux-system` (prune: true) applying clusters/<cluster>. One difference: the root Kustomization patches
 * `wait: false` into the Kustomizations it applies. Nothing runs pods here (no kubelet, no
 * controller-manager), so a Deployment never becomes available and `wait: true` would hold every step
 * until its timeout; the order still comes from `dependsOn`, which waits for the dependency's Ready.
 */
export function fluxInstanceSync(source: SyncSource): Manifest[] {
  const metadata = { name: FLUX_SOURCE_NAME, namespace: FLUX_NAMESPACE };
  return [
    {
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'GitRepository',
      metadata,
      spec: { interval: source.interval, url: source.url, ref: { branch: source.branch } },
    },
    {
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata,
      spec: {
        interval: source.interval,
        sourceRef: { kind: 'GitRepository', name: FLUX_SOURCE_NAME },
        path: `./${source.path}`,
        prune: true,
        patches: [
          {
            target: { group: 'kustomize.toolkit.fluxcd.io', kind: 'Kustomization' },
            patch: JSON.stringify([{ op: 'add', path: '/spec/wait', value: false }]),
          },
        ],
      },
    },
  ];
}
