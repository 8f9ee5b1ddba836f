export { componentFileName } from '../plan/file-names';
import { componentFileName } from '../plan/file-names';
import { Component } from '../core/component';
import { goDuration } from '../core/durations';
import { toYaml } from '../core/yaml';
import type { DeploymentPlan } from '../day2/deployment-plan';
import { FLUX_STEPS, FluxStep } from '../model/flux-layout';
import type { Manifest } from '../model/manifest';
import { SOPS_AGE_SECRET } from '../plan/secret-placement';
import { encryptedSecretDocument } from '../secrets/encrypted-secret';
import type { PreviousDocument } from '../secrets/previous-documents';
import { chartSource, helmRelease } from '../plan/flux-sources';
import { namespaceReasons, podSecurityLabels } from '../plan/namespace-metadata';
import type { NamespacePlan } from '../plan/placement';
import { PRUNE_DISABLED } from '../model/manifest';
import { FLUX_NAMESPACE, FLUX_SOURCE_NAME, MANUAL_FOLDER, STEP_FOLDERS } from '../model/flux-layout';
import { INVENTORY_FILE, inventoryText } from '../day2/inventory';

/** Name of the Flux Kustomization that applies each step. */
const STEP_KUSTOMIZATIONS: Record<FluxStep, string> = {
  controllers: 'infra-controllers',
  configs: 'infra-configs',
  apps: 'apps',
};

/** The files of a Flux repository: path relative to the repository folder, and its content. */
export type FileTree = Map<string, string>;

/** One YAML document of a rendered file: its text, and the object it holds unless it is SOPS-encrypted. */
export interface FluxDocument {
  readonly text: string;
  /** The object; absent for an encrypted Secret, whose bytes must stay as they are (its MAC covers them). */
  readonly object?: Manifest;
}

/** Options of `renderFluxRepository`. */
export interface FluxRenderOptions {
  /** The previous output's encrypted documents, so that unchanged Secrets keep their bytes. @default none */
  readonly previous?: PreviousDocument;
  /**
   * Folder of the step folders, relative to `git.path`, that the Flux Kustomizations apply: `clusters/<name>`
   * in a fleet, whose layout pass moves each cluster's tree there.
   * @default '' (the repository root)
   */
  readonly stepRoot?: string;
}

/** A rendered Flux repository. */
export interface FluxRepository {
  readonly files: FileTree;
  /** The documents of each file that holds objects (not the kustomization.yaml listings or the inventory). */
  readonly documents: ReadonlyMap<string, readonly FluxDocument[]>;
  /** Kubernetes objects per kind (the kustomization.yaml listings are not objects). */
  readonly kinds: Record<string, number>;
}

/**
 * Lays the plan out as a Flux repository after flux2-kustomize-helm-example:
 * `clusters/<cluster>` holds the Flux Kustomizations that apply `infrastructure/controllers`, then
 * `infrastructure/configs`, then `apps`, each folder listing its files in a `kustomization.yaml`.
 */
export function renderFluxRepository(plan: DeploymentPlan, options: FluxRenderOptions = {}): FluxRepository {
  const platform = plan.platform;
  const files: FileTree = new Map();
  const documents = new Map<string, FluxDocument[]>();
  const kinds: Record<string, number> = {};
  const namespaces = new Map(plan.namespaces.map((n) => [n.name, n]));
  const write = (file: string, objects: Manifest[], component?: Component) => {
    objects.forEach((o) => (kinds[o.kind] = (kinds[o.kind] ?? 0) + 1));
    const comments = component?.objectComments ?? [];
    const docs = objects.map((o) => ({ object: o, text: toYaml(o, comments.filter((c) => c.kind === o.kind && c.name === o.metadata.name)) }));
    documents.set(file, docs);
    files.set(file, docs.map((d) => d.text).join('---\n'));
  };
  for (const step of FLUX_STEPS) {
    const folder = STEP_FOLDERS[step];
    const names: string[] = [];
    for (const placement of plan.flux.filter((p) => p.step === step)) {
      const objects: Manifest[] = [];
      if (placement.namespace) objects.push(namespaceObject(namespaces.get(placement.namespace)!));
      if (placement.chart) {
        // Its source: one HelmRepository per repository and namespace (the plan names the placement that
        // writes it), or the OCIRepository of its own for an OCI chart.
        const source = chartSource(placement.chart, placement.component.namespace, placement.writesHelmRepository === true);
        if (source) objects.push(source);
        objects.push(
          helmRelease(placement.chart, {
            namespace: placement.component.namespace,
            stateful: placement.component.stateful,
            // Terraform-managed dependencies are installed before Flux starts; only Flux ones are waited for.
            dependsOn: placement.component.dependencies
              .filter((d) => d.helmChart && d.deployWith === 'flux')
              .map((d) => ({
                name: d.helmChart!.releaseName,
                ...(d.namespace !== placement.component.namespace ? { namespace: d.namespace } : {}),
              })),
          }),
        );
      }
      objects.push(...placement.manifests);
      // A load test's placement only carries its namespace; without it there is nothing to write.
      if (objects.length === 0 && placement.encryptedSecrets.length === 0) continue;
      // A placement that only creates a namespace (for load tests) is named after the namespace.
      const onlyNamespace = objects.length === 1 && placement.namespace && !placement.chart;
      const name = onlyNamespace ? `namespace-${placement.namespace}.yaml` : `${componentFileName(placement.component)}.yaml`;
      names.push(name);
      write(`${folder}/${name}`, objects, placement.component);
      if (placement.encryptedSecrets.length > 0) {
        kinds.Secret = (kinds.Secret ?? 0) + placement.encryptedSecrets.length;
        const file = `${folder}/${name}`;
        // The previous output's document when it holds the same Secret: unchanged Secrets keep their bytes.
        const encrypted = placement.encryptedSecrets.map(
          (secret) => options.previous?.(file, secret, plan.sops.recipients) ?? encryptedSecretDocument(secret, plan.sops.recipients),
        );
        files.set(file, [files.get(file), ...encrypted].filter((part) => part).join('---\n'));
        documents.set(file, [...(documents.get(file) ?? []), ...encrypted.map((text) => ({ text }))]);
      }
    }
    files.set(`${folder}/kustomization.yaml`, kustomizeFile(names.sort()));
  }

  // Load tests: one folder each, applied by hand (kubectl apply -k), never by a Flux Kustomization.
  for (const { component, manifests } of plan.manual) {
    const name = componentFileName(component);
    write(`${MANUAL_FOLDER}/${name}/${name}.yaml`, [...manifests], component);
    files.set(`${MANUAL_FOLDER}/${name}/kustomization.yaml`, kustomizeFile([`${name}.yaml`]));
  }

  const cluster = `clusters/${platform.clusterName}`;
  const base = ['.', platform.git.path, options.stepRoot].filter((p) => p).join('/');
  const sync = (step: FluxStep, dependsOn?: FluxStep): Manifest => ({
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    kind: 'Kustomization',
    metadata: { name: STEP_KUSTOMIZATIONS[step], namespace: FLUX_NAMESPACE },
    spec: {
      ...(dependsOn ? { dependsOn: [{ name: STEP_KUSTOMIZATIONS[dependsOn] }] } : {}),
      interval: goDuration(platform.flux.interval),
      retryInterval: goDuration(platform.flux.retryInterval),
      timeout: goDuration(platform.flux.timeout),
      sourceRef: { kind: 'GitRepository', name: FLUX_SOURCE_NAME },
      path: `${base}/${STEP_FOLDERS[step]}`,
      prune: true,
      wait: true,
      // Files of this step hold SOPS-encrypted Secrets: decrypt them with the key Terraform wrote.
      ...(plan.sops.steps.includes(step) ? { decryption: { provider: 'sops', secretRef: { name: SOPS_AGE_SECRET } } } : {}),
    },
  });
  write(`${cluster}/infrastructure.yaml`, [sync('controllers'), sync('configs', 'controllers')]);
  write(`${cluster}/apps.yaml`, [sync('apps', 'configs')]);
  files.set(`${cluster}/kustomization.yaml`, kustomizeFile(['apps.yaml', 'infrastructure.yaml']));
  // What this synth put where, for the next one to compare with (committed with the repository).
  files.set(INVENTORY_FILE, inventoryText(plan.day2.inventory));
  return {
    files: new Map([...files.entries()].sort(([a], [b]) => (a < b ? -1 : 1))),
    documents,
    kinds: Object.fromEntries(Object.entries(kinds).sort(([a], [b]) => (a < b ? -1 : 1))),
  };
}

function namespaceObject(ns: NamespacePlan): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: ns.name,
      labels: podSecurityLabels(ns),
      // Deleting a namespace deletes everything in it, volumes included: never prune one that holds data.
      annotations: { ...namespaceReasons(ns), ...(ns.stateful ? PRUNE_DISABLED : {}) },
    },
  };
}

function kustomizeFile(resources: string[]): string {
  return toYaml({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources });
}
