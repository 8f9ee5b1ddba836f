import type { DashboardModel } from '../grafana-dashboard';
import { buildDashboard, q } from './layout';

/** What the autoscaling dashboard is built from. */
export interface AutoscalingDashboardInputs {
  /** The uid of the Prometheus datasource every panel queries. */
  readonly datasourceUid: string;
}

export const AUTOSCALING_DASHBOARD_UID = 'ballast-autoscaling';

/**
 * Every HorizontalPodAutoscaler (kube-state-metrics' `kube_horizontalpodautoscaler_*`: current, desired,
 * min and max replicas), KEDA's own among them (`keda-hpa-<name>`), and KEDA's scalers as its operator
 * reports them (`keda_scaler_*`, with `Keda`'s `metrics` on). KEDA's metrics carry the ScaledObject's
 * namespace as `exported_namespace`: the scrape's own `namespace` label is KEDA's.
 */
export function autoscalingDashboard(inputs: AutoscalingDashboardInputs): DashboardModel {
  const hpa = 'namespace=~"$namespace", horizontalpodautoscaler=~"$hpa"';
  const replicas = (metric: string, what: string) => q(`max by (namespace, horizontalpodautoscaler) (${metric}{${hpa}})`, `{{namespace}}/{{horizontalpodautoscaler}} ${what}`);
  const scaler = '{{exported_namespace}}/{{scaledObject}} {{scaler}}';
  return buildDashboard({
    uid: AUTOSCALING_DASHBOARD_UID,
    title: 'Autoscaling',
    description: 'HorizontalPodAutoscalers (replicas against their bounds) and KEDA scalers.',
    tags: ['ballast', 'autoscaling', 'hpa', 'keda'],
    datasourceUid: inputs.datasourceUid,
    variables: [
      { name: 'namespace', label: 'Namespace', query: 'label_values(kube_horizontalpodautoscaler_spec_max_replicas, namespace)', multi: true },
      { name: 'hpa', label: 'Autoscaler', query: 'label_values(kube_horizontalpodautoscaler_spec_max_replicas{namespace=~"$namespace"}, horizontalpodautoscaler)', multi: true },
    ],
    rows: [
      {
        title: 'HorizontalPodAutoscalers',
        panels: [
          { title: 'Autoscalers', kind: 'stat', width: 6, queries: [q(`count(kube_horizontalpodautoscaler_spec_max_replicas{${hpa}})`, 'autoscalers')] },
          {
            title: 'At their maximum',
            kind: 'stat',
            width: 6,
            description: 'Autoscalers whose current replicas reached max replicas: they cannot scale further.',
            queries: [q(`count(kube_horizontalpodautoscaler_status_current_replicas{${hpa}} >= on (namespace, horizontalpodautoscaler) kube_horizontalpodautoscaler_spec_max_replicas{${hpa}}) or vector(0)`, 'at max')],
          },
          {
            title: 'Not at the desired count',
            kind: 'stat',
            width: 6,
            queries: [q(`count(kube_horizontalpodautoscaler_status_current_replicas{${hpa}} != on (namespace, horizontalpodautoscaler) kube_horizontalpodautoscaler_status_desired_replicas{${hpa}}) or vector(0)`, 'scaling')],
          },
          { title: 'Replicas in all', kind: 'stat', width: 6, queries: [q(`sum(kube_horizontalpodautoscaler_status_current_replicas{${hpa}})`, 'replicas')] },
          {
            title: 'Current and desired replicas',
            queries: [replicas('kube_horizontalpodautoscaler_status_current_replicas', 'current'), replicas('kube_horizontalpodautoscaler_status_desired_replicas', 'desired')],
          },
          {
            title: 'Bounds',
            queries: [replicas('kube_horizontalpodautoscaler_spec_min_replicas', 'min'), replicas('kube_horizontalpodautoscaler_spec_max_replicas', 'max')],
          },
        ],
      },
      {
        title: 'KEDA',
        panels: [
          { title: 'Scaler metric values', queries: [q('sum by (exported_namespace, scaledObject, scaler, metric) (keda_scaler_metrics_value)', `${scaler} {{metric}}`)] },
          { title: 'Active scalers', queries: [q('max by (exported_namespace, scaledObject, scaler) (keda_scaler_active)', scaler)] },
          { title: 'Scaler errors', unit: 'ops', queries: [q('sum by (exported_namespace, scaledObject, scaler) (rate(keda_scaler_detail_errors_total[$__rate_interval]))', scaler)] },
          { title: 'Scaler latency', unit: 's', queries: [q('max by (exported_namespace, scaledObject, scaler) (keda_scaler_metrics_latency_seconds)', scaler)] },
          { title: 'ScaledObject errors', unit: 'ops', queries: [q('sum by (exported_namespace, scaledObject) (rate(keda_scaled_object_errors_total[$__rate_interval]))', '{{exported_namespace}}/{{scaledObject}}')] },
          { title: 'Paused ScaledObjects', queries: [q('max by (exported_namespace, scaledObject) (keda_scaled_object_paused)', '{{exported_namespace}}/{{scaledObject}}')] },
        ],
      },
    ],
  });
}
