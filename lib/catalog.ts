/**
 * Every Helm chart ballast deploys, pinned to an exact version in this one place.
 *
 * Versions and repositories follow the upstream releases recorded with the test data; bump a chart here
 * and the values checks in the tests tell whether ballast's values still fit it.
 */

/** Where a chart is published. Flux needs `type: oci` on the HelmRepository for OCI registries. */
export interface ChartRepository {
  /** Short name, used for the Flux HelmRepository object. */
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
  },
  kubePrometheusStack: {
    chart: 'kube-prometheus-stack',
    version: '88.5.3',
    repository: prometheusCommunity,
    crdGroups: ['monitoring.coreos.com'],
  },
  fluxOperator: {
    chart: 'flux-operator',
    version: '0.49.0',
    repository: controlplaneFlux,
    crdGroups: ['fluxcd.controlplane.io'],
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
  },
  cloudnativePg: {
    chart: 'cloudnative-pg',
    version: '0.29.0',
    repository: { name: 'cloudnative-pg', url: 'https://cloudnative-pg.github.io/charts', type: 'default' },
    crdGroups: ['postgresql.cnpg.io'],
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
  },
  k6Operator: {
    chart: 'k6-operator',
    version: '4.6.0',
    repository: { name: 'grafana', url: 'https://grafana.github.io/helm-charts', type: 'default' },
    crdGroups: ['k6.io'],
  },
} as const satisfies Record<string, CatalogChart>;
