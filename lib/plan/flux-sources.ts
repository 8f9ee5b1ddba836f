import { goDuration } from '../core/durations';
import { HelmChartSpec, releasePolicyOf, sensitiveValuesSecretName } from '../core/helm-chart';
import { applyPatches } from '../core/object-patches';
import { Manifest, PRUNE_DISABLED } from '../model/manifest';

// What the Flux backend writes for a Helm release (its HelmRelease and chart source), decided here
// because the plan checks these objects (their CRDs' grammar, the user's patches, identities) before
// anything is written: the backend renders exactly what was checked.

/**
 * How often Flux checks a chart's source. The chart is pinned to an exact version, so a check only finds
 * what it already has; a new version is a change in Git, which Flux applies at once.
 */
const REPOSITORY_INTERVAL = '12h';

/** True when the chart comes from an OCI registry (its Flux source is an OCIRepository of its own). */
export function isOciChart(chart: HelmChartSpec): boolean {
  return chart.chart.repository.type === 'oci';
}

/** The HelmRepository a release of an HTTP repository pulls its chart from, in the release's namespace. */
export function helmRepository(chart: HelmChartSpec, namespace: string): Manifest {
  const repo = chart.chart.repository;
  return {
    apiVersion: 'source.toolkit.fluxcd.io/v1',
    kind: 'HelmRepository',
    metadata: { name: repo.name, namespace },
    spec: { interval: REPOSITORY_INTERVAL, url: repo.url },
  };
}

/** The media type of a Helm chart's content layer in an OCI artifact (Helm's registry format). */
export const HELM_CHART_LAYER = 'application/vnd.cncf.helm.chart.content.v1.tar+gzip';

/**
 * The OCIRepository of a chart from an OCI registry, named after its release (unique in the namespace),
 * in the release's namespace: the chart's artifact pinned by tag (Helm pushes a chart version as its
 * tag), and its Helm chart layer kept as the packaged chart helm-controller reads (Flux's documented
 * source for OCI charts, `HelmRelease.spec.chartRef`).
 */
export function ociRepository(chart: HelmChartSpec, namespace: string): Manifest {
  return {
    apiVersion: 'source.toolkit.fluxcd.io/v1',
    kind: 'OCIRepository',
    metadata: { name: chart.releaseName, namespace },
    spec: {
      interval: REPOSITORY_INTERVAL,
      url: `${chart.chart.repository.url.replace(/\/+$/, '')}/${chart.chart.chart}`,
      ref: { tag: chart.chart.version },
      layerSelector: { mediaType: HELM_CHART_LAYER, operation: 'copy' },
    },
  };
}

/**
 * The Flux source a placement writes for its chart: its own OCIRepository for an OCI chart; for a chart
 * of an HTTP repository, the repository's HelmRepository when this placement is the one that writes it
 * (one per repository and namespace: `FluxPlacement.writesHelmRepository`).
 */
export function chartSource(chart: HelmChartSpec, namespace: string, writesHelmRepository: boolean): Manifest | undefined {
  if (isOciChart(chart)) return ociRepository(chart, namespace);
  return writesHelmRepository ? helmRepository(chart, namespace) : undefined;
}

export interface HelmReleaseOptions {
  readonly namespace: string;
  /** HelmReleases that must be ready first (namespace omitted when it is the release's own). */
  readonly dependsOn: readonly { name: string; namespace?: string }[];
  /** Never prune: the release holds data. */
  readonly stateful: boolean;
}

/**
 * A HelmRelease with the pinned chart, the component's values and its release policy (timeout, wait,
 * remediation, drift detection, CRD policy, interval); the user's patches come last.
 */
export function helmRelease(chart: HelmChartSpec, options: HelmReleaseOptions): Manifest {
  const release = ownHelmRelease(chart, options);
  const patches = chart.fluxPatches ?? [];
  if (patches.length === 0) return release;
  // The user's patches (Component.patchHelmRelease) come last, through the same validating patch path as
  // every other escape hatch; the plan reports a patch that does not apply (checkReleasePatches) before
  // any file is rendered, so a failure here is the plan's bug, not the user's.
  const patched = applyPatches(release, patches);
  if ('problems' in patched) throw new Error(`HelmRelease ${chart.releaseName}: ${patched.problems.join('; ')}`);
  return patched.document as Manifest;
}

function ownHelmRelease(chart: HelmChartSpec, options: HelmReleaseOptions): Manifest {
  const policy = releasePolicyOf(chart);
  const sensitive = chart.sensitiveValues ?? [];
  // Only for a chart with CRDs in crds/: Helm installs those once and never upgrades them itself.
  const crds = policy.crds ? { crds: policy.crds } : {};
  const noWait = policy.wait ? {} : { disableWait: true };
  const remediation = policy.remediation;
  return {
    apiVersion: 'helm.toolkit.fluxcd.io/v2',
    kind: 'HelmRelease',
    metadata: {
      name: chart.releaseName,
      namespace: options.namespace,
      ...(options.stateful ? { annotations: PRUNE_DISABLED } : {}),
    },
    spec: {
      interval: goDuration(policy.interval),
      timeout: goDuration(policy.timeout),
      releaseName: chart.releaseName,
      ...(isOciChart(chart)
        ? { chartRef: { kind: 'OCIRepository', name: chart.releaseName } }
        : {
            chart: {
              spec: {
                chart: chart.chart.chart,
                version: chart.chart.version,
                sourceRef: { kind: 'HelmRepository', name: chart.chart.repository.name },
                interval: REPOSITORY_INTERVAL,
              },
            },
          }),
      ...(options.dependsOn.length > 0 ? { dependsOn: options.dependsOn } : {}),
      install: {
        ...crds,
        ...noWait,
        remediation: remediation ? { retries: remediation.retries, remediateLastFailure: true } : { retries: 0, remediateLastFailure: false },
      },
      upgrade: {
        ...crds,
        cleanupOnFail: true,
        ...noWait,
        remediation: remediation
          ? { retries: remediation.retries, strategy: remediation.upgradeStrategy, remediateLastFailure: true }
          : { retries: 0, remediateLastFailure: false },
      },
      ...(policy.wait ? {} : { rollback: { disableWait: true } }),
      driftDetection: {
        mode: policy.driftDetection,
        ...(policy.driftIgnore.length > 0 ? { ignore: policy.driftIgnore.map((r) => ({ paths: [...r.paths], ...(r.target ? { target: { ...r.target } } : {}) })) } : {}),
      },
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
