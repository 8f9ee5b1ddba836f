import { K6_DASHBOARD_ID, K6MetricsMode } from '../../core/k6-metrics';

/**
 * A dashboard from grafana.com, pinned to a revision; Grafana downloads it when its pod starts (the
 * chart's `download-dashboards` init container, which needs egress to grafana.com). Without a revision
 * the chart would download revision 1. The revisions below are the newest seen in public configurations
 * when they were pinned; grafana.com lists newer ones as they come.
 */
export interface CommunityDashboard {
  /** File name under the `community` provider, e.g. `k8s-views-global`. */
  readonly name: string;
  /** grafana.com dashboard id. */
  readonly id: number;
  /** Pinned revision: a newer one is a deliberate change here. */
  readonly revision: number;
  /** The dashboard's datasource input, replaced by the platform datasource's uid. @default 'DS_PROMETHEUS' */
  readonly datasourceInput?: string;
}

/** Kubernetes views (cluster, namespaces, nodes, pods) from the dotdc/grafana-dashboards-kubernetes set. */
export const KUBERNETES_DASHBOARDS: readonly CommunityDashboard[] = [
  { name: 'k8s-views-global', id: 15757, revision: 43 },
  { name: 'k8s-views-namespaces', id: 15758, revision: 46 },
  { name: 'k8s-views-nodes', id: 15759, revision: 40 },
  { name: 'k8s-views-pods', id: 15760, revision: 39 },
];

/** Traefik's official dashboard for Traefik in Kubernetes (17346 is the standalone one). */
export const TRAEFIK_DASHBOARD: CommunityDashboard = { name: 'traefik', id: 17347, revision: 9 };

/** CloudNativePG's dashboard (for the PostgreSQL component). */
export const CLOUDNATIVE_PG_DASHBOARD: CommunityDashboard = { name: 'cloudnative-pg', id: 20417, revision: 1 };

/** The k6 dashboard that reads what k6 writes in `mode` (18030 native histograms, 19665 trend stats). */
export function k6Dashboard(mode: K6MetricsMode): CommunityDashboard {
  return { name: 'k6', id: K6_DASHBOARD_ID[mode], revision: mode === 'native-histograms' ? 8 : 3 };
}
