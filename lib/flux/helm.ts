import { JsonPatch } from 'cdk8s';
import { HelmChartSpec, sensitiveValuesSecretName } from '../core/helm-chart';
import { Manifest } from '../plan/deployment-plan';

/** How often Flux checks a Helm repository for the pinned chart. */
const REPOSITORY_INTERVAL = '12h';
/** How often Flux re-checks each HelmRelease for drift. */
const RELEASE_INTERVAL = '30m';
/** Annotation that stops Flux from deleting an object when it disappears from Git. */
export const PRUNE_DISABLED = { 'kustomize.toolkit.fluxcd.io/prune': 'disabled' };

/** True when `m` carries PRUNE_DISABLED: it holds data (or something that does needs it) and is kept. */
export function isPruneDisabled(m: Manifest): boolean {
  return (m.metadata.annotations as Record<string, string> | undefined)?.['kustomize.toolkit.fluxcd.io/prune'] === 'disabled';
}

/** The HelmRepository a release pulls its chart from, in the release's namespace. */
export function helmRepository(chart: HelmChartSpec, namespace: string): Manifest {
  const repo = chart.chart.repository;
  return {
    apiVersion: 'source.toolkit.fluxcd.io/v1',
    kind: 'HelmRepository',
    metadata: { name: repo.name, namespace },
    spec: {
      ...(repo.type === 'oci' ? { type: 'oci' } : {}),
      interval: REPOSITORY_INTERVAL,
      url: repo.url,
    },
  };
}

export interface HelmReleaseOptions {
  readonly namespace: string;
  /** HelmReleases that must be ready first (namespace omitted when it is the release's own). */
  readonly dependsOn: readonly { name: string; namespace?: string }[];
  /** Never prune: the release holds data. */
  readonly stateful: boolean;
}

/**
 * A HelmRelease with the pinned chart, the component's values, remediation on failed installs and
 * upgrades, and CRDs created and updated by Helm for charts that ship them.
 */
export function helmRelease(chart: HelmChartSpec, options: HelmReleaseOptions): Manifest {
  const release = ownHelmRelease(chart, options);
  // The user's patches (Component.patchHelmRelease) come last; the plan has checked what they give.
  return (chart.fluxPatches ?? []).length > 0 ? (JsonPatch.apply(release, ...chart.fluxPatches!) as Manifest) : release;
}

function ownHelmRelease(chart: HelmChartSpec, options: HelmReleaseOptions): Manifest {
  const shipsCrds = (chart.chart.crdGroups ?? []).length > 0;
  const crds = shipsCrds ? { crds: 'CreateReplace' } : {};
  const sensitive = chart.sensitiveValues ?? [];
  return {
    apiVersion: 'helm.toolkit.fluxcd.io/v2',
    kind: 'HelmRelease',
    metadata: {
      name: chart.releaseName,
      namespace: options.namespace,
      ...(options.stateful ? { annotations: PRUNE_DISABLED } : {}),
    },
    spec: {
      interval: RELEASE_INTERVAL,
      releaseName: chart.releaseName,
      chart: {
        spec: {
          chart: chart.chart.chart,
          version: chart.chart.version,
          sourceRef: { kind: 'HelmRepository', name: chart.chart.repository.name },
          interval: REPOSITORY_INTERVAL,
        },
      },
      ...(options.dependsOn.length > 0 ? { dependsOn: options.dependsOn } : {}),
      install: { ...crds, remediation: { retries: 3 } },
      upgrade: { ...crds, cleanupOnFail: true, remediation: { retries: 3, strategy: 'rollback' } },
      values: chart.values,
      ...(sensitive.length > 0
        ? {
            valuesFrom: sensitive.map((s) => ({
              kind: 'Secret',
              name: sensitiveValuesSecretName(chart),
              valuesKey: s.path,
              targetPath: s.path,
            })),
          }
        : {}),
    },
  };
}
