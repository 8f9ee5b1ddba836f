/**
 * Every Helm chart ballast deploys, pinned to an exact version in this one place.
 *
 * Versions and repositories follow the upstream releases recorded with the test data; bump a chart here
 * and the values checks in the tests tell whether ballast's values still fit it.
 */

import type { CrdLocation, DriftIgnoreRule } from './core/release-policy';

/**
 * Where a chart is published. Flux pulls a chart of an HTTP repository through a HelmRepository (one
 * per repository and namespace), and a chart of an OCI registry through an OCIRepository of its own.
 */
export interface ChartRepository {
  /** Short name, used for the Flux HelmRepository object (an OCI chart's OCIRepository is named after its release). */
  readonly name: string;
  /** `https://...` index URL, or `oci://registry/path` (without the chart name) for OCI registries. */
  readonly url: string;
  readonly type: 'default' | 'oci';
}

/** A chart at one exact version. */
export interface CatalogChart {
  readonly chart: string;
  /** Exact version: no ranges, so that both backends install the same bytes. */
  readonly version: string;
  readonly repository: ChartRepository;
  /**
   * API groups whose CRDs this chart installs. Objects of these groups are applied only after the chart
   * (a later Flux step), and never by the Terraform apply that installs the chart.
   * @default none
   */
  readonly crdGroups?: readonly string[];
  /**
   * Where the chart keeps its CRDs: Helm's `crds/` folder, which Helm installs once and never upgrades
   * (Flux's CRD policy `CreateReplace` replaces them on upgrade), or its templates (upgraded with the
   * release, nothing to set).
   * @default 'crds-dir' when crdGroups are given, otherwise none
   */
  readonly crdsIn?: CrdLocation;
  /**
   * Fields of the chart's objects that a controller or webhook changes after install, which Flux's drift
   * detection must leave alone (added to every release policy of the chart).
   * @default none
   */
  readonly driftIgnore?: readonly DriftIgnoreRule[];
  /**
   * Objects that the chart's own controllers create at run time, not its templates, and that its other
   * objects name (a certificate Secret an operator generates, a Service an operator maintains): a check
   * of the rendered chart's references accepts them, each for its stated reason.
   * @default none
   */
  readonly runtimeObjects?: readonly RuntimeObject[];
}

/** An object a chart's controller creates at run time (see `CatalogChart.runtimeObjects`). */
export interface RuntimeObject {
  readonly kind: 'Secret' | 'Service';
  /** `{release}` stands for the release name. */
  readonly name: string;
  /** @default the release's namespace */
  readonly namespace?: string;
  /** Labels a monitor selects it by. @default none */
  readonly labels?: Readonly<Record<string, string>>;
  /** Port names and numbers of a Service. @default none */
  readonly ports?: readonly { readonly name: string; readonly port: number }[];
  /** Who creates it, and why it is not in the chart's templates. */
  readonly reason: string;
}

const prometheusCommunity: ChartRepository = {
  name: 'prometheus-community',
  url: 'https://prometheus-community.github.io/helm-charts',
  type: 'default',
};
const controlplaneFlux: ChartRepository = {
  name: 'controlplaneio-fluxcd',
  url: 'oci://ghcr.io/controlplaneio-fluxcd/charts',
  type: 'oci',
};

export const catalog = {
  traefik: {
    chart: 'traefik',
    version: '41.3.0',
    repository: { name: 'traefik', url: 'https://traefik.github.io/charts', type: 'default' },
    crdGroups: ['traefik.io', 'hub.traefik.io'],
    crdsIn: 'crds-dir',
  },
  kubePrometheusStack: {
    chart: 'kube-prometheus-stack',
    version: '88.5.3',
    repository: prometheusCommunity,
    crdGroups: ['monitoring.coreos.com'],
    // In the crds/ folder of its `crds` subchart (crds.enabled), which Helm never upgrades.
    crdsIn: 'crds-dir',
    // The operator's admission webhook annotates each PrometheusRule on create; a dry-run (how drift is
    // detected) does not, so the annotation would count as drift (Flux's own example ignores it).
    driftIgnore: [{ paths: ['/metadata/annotations/prometheus-operator-validated'], target: { kind: 'PrometheusRule' } }],
    runtimeObjects: [
      {
        kind: 'Service',
        name: 'kubernetes',
        namespace: 'default',
        labels: { component: 'apiserver', provider: 'kubernetes' },
        ports: [{ name: 'https', port: 443 }],
        reason: "the API server's own Service, which Kubernetes creates (the apiserver ServiceMonitor selects it)",
      },
      {
        kind: 'Service',
        name: '{release}-kubelet',
        namespace: 'kube-system',
        labels: { 'app.kubernetes.io/name': 'kubelet', 'k8s-app': 'kubelet' },
        ports: [
          { name: 'https-metrics', port: 10250 },
          { name: 'http-metrics', port: 10255 },
          { name: 'cadvisor', port: 4194 },
        ],
        reason: 'the prometheus-operator creates and keeps it for the kubelets (prometheusOperator.kubeletService)',
      },
      { kind: 'Secret', name: '{release}-admission', reason: "the chart's admission webhook Job writes the webhook's certificate into it at install" },
    ],
  },
  fluxOperator: {
    chart: 'flux-operator',
    version: '0.49.0',
    repository: controlplaneFlux,
    crdGroups: ['fluxcd.controlplane.io'],
    crdsIn: 'templates', // installCRDs
  },
  fluxInstance: {
    chart: 'flux-instance',
    version: '0.49.0',
    repository: controlplaneFlux,
    // The FluxInstance brings up the Flux controllers, which install the toolkit CRDs.
    crdGroups: [
      'source.toolkit.fluxcd.io',
      'helm.toolkit.fluxcd.io',
      'kustomize.toolkit.fluxcd.io',
      'notification.toolkit.fluxcd.io',
      'image.toolkit.fluxcd.io',
    ],
    crdsIn: 'runtime',
  },
  cloudnativePg: {
    chart: 'cloudnative-pg',
    version: '0.29.0',
    repository: { name: 'cloudnative-pg', url: 'https://cloudnative-pg.github.io/charts', type: 'default' },
    crdGroups: ['postgresql.cnpg.io'],
    crdsIn: 'templates', // crds.create
  },
  sonarqube: {
    chart: 'sonarqube',
    version: '2026.5.0',
    repository: { name: 'sonarqube', url: 'https://SonarSource.github.io/helm-chart-sonarqube', type: 'default' },
  },
  keda: {
    chart: 'keda',
    version: '2.20.2',
    repository: { name: 'kedacore', url: 'https://kedacore.github.io/charts', type: 'default' },
    crdGroups: ['keda.sh'],
    crdsIn: 'templates', // crds.install
    runtimeObjects: [{ kind: 'Secret', name: 'kedaorg-certs', reason: "KEDA's operator generates its TLS certificates into it (certificates.autoGenerated, certificates.secretName)" }],
  },
  k6Operator: {
    chart: 'k6-operator',
    version: '4.6.0',
    repository: { name: 'grafana', url: 'https://grafana.github.io/helm-charts', type: 'default' },
    crdGroups: ['k6.io'],
    crdsIn: 'templates', // installCRDs
  },
  certManager: {
    chart: 'cert-manager',
    // cert-manager's chart versions carry a "v", as its releases do.
    version: 'v1.21.1',
    // The project recommends its OCI chart, oci://quay.io/jetstack/charts/cert-manager; this repository
    // serves the same chart.
    repository: { name: 'jetstack', url: 'https://charts.jetstack.io', type: 'default' },
    crdGroups: ['cert-manager.io', 'acme.cert-manager.io'],
    crdsIn: 'templates', // crds.enabled
  },
} as const satisfies Record<string, CatalogChart>;
