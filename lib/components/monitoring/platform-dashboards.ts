import { Construct } from 'constructs';
import { K6MetricsMode } from '../../core/k6-metrics';
import { autoscalingDashboard } from './dashboards/autoscaling';
import { k6ResultsDashboard } from './dashboards/k6-results';
import { kubernetesOverviewDashboard } from './dashboards/kubernetes-overview';
import { loadTestOverview } from './dashboards/load-test-overview';
import { traefikDashboard } from './dashboards/traefik';
import { DashboardModel, GrafanaDashboard } from './grafana-dashboard';

/** What the monitoring stack's own dashboards depend on. */
export interface PlatformDashboardsOptions {
  /** The uid of Grafana's Prometheus datasource. */
  readonly datasourceUid: string;
  /** The platform's k6 mode: the k6 dashboards read what it writes. */
  readonly k6Metrics: K6MetricsMode;
  /** Traefik's dashboard (the platform routes through Traefik). */
  readonly traefik: boolean;
  /** The Load test overview (k6 beside the service under load). */
  readonly loadTestOverview: boolean;
}

/**
 * The platform-wide dashboards, written into the output as ConfigMaps beside Grafana (nothing is
 * downloaded when its pod starts), each in a Grafana folder by subject. A component's own dashboard (a
 * database's, an application's) is created by that component, beside its data.
 */
export function addPlatformDashboards(scope: Construct, options: PlatformDashboardsOptions): void {
  const { datasourceUid, k6Metrics } = options;
  const add = (id: string, folder: string, dashboard: DashboardModel) => new GrafanaDashboard(scope, id, { dashboard, folder });
  add('kubernetes-overview', 'Kubernetes', kubernetesOverviewDashboard({ datasourceUid }));
  add('autoscaling', 'Autoscaling', autoscalingDashboard({ datasourceUid }));
  add('k6-results', 'Load tests', k6ResultsDashboard({ datasourceUid, k6Metrics }));
  if (options.loadTestOverview) add('load-test-overview', 'Load tests', loadTestOverview({ datasourceUid, k6Metrics }));
  if (options.traefik) add('traefik-dashboard', 'Ingress', traefikDashboard({ datasourceUid }));
}
