import type { CommunityDashboard } from '../../core/interfaces';
import { K6_DASHBOARD_ID, K6MetricsMode } from '../../core/k6-metrics';

export type { CommunityDashboard } from '../../core/interfaces';

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
