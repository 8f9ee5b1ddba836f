import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { AlertingRule, RuleGroup } from './prometheus-rule';
import { BallastAlert, runbookUrl } from './runbooks';

/**
 * The chart's default alerts that ballast's own replace: the same condition with ballast's runbook, so
 * that one condition notifies once (`defaultRules.disabled` of kube-prometheus-stack).
 */
export const REPLACED_CHART_ALERTS: readonly string[] = ['TargetDown', 'KubePersistentVolumeFillingUp', 'KubeHpaMaxedOut'];

/** The alert `rule` of ballast's, with the link to its runbook. */
export function withRunbook(scope: IConstruct, rule: Omit<AlertingRule, 'runbookUrl'> & { readonly alert: BallastAlert }): AlertingRule {
  return { ...rule, runbookUrl: runbookUrl(scope, rule.alert) };
}

/**
 * The platform-wide alerts, beside the chart's default rules: a scrape target that stays down, remote
 * writes (k6) that Prometheus refuses, a volume filling up, an autoscaler held at its maximum. Components
 * add the alerts of what they run (PostgreSQL, certificates, KEDA) beside their own metrics.
 */
export function platformAlerts(scope: IConstruct): RuleGroup {
  const freeShare = 'kubelet_volume_stats_available_bytes / kubelet_volume_stats_capacity_bytes';
  return {
    name: 'ballast.platform',
    rules: [
      withRunbook(scope, {
        alert: 'ScrapeTargetDown',
        expr: 'up == 0',
        for: Duration.minutes(5),
        severity: 'warning',
        summary: 'Prometheus cannot scrape {{ $labels.job }} at {{ $labels.instance }}',
        description: 'The target has been down for 5 minutes: its metrics, and every autoscaler reading them, are blind.',
      }),
      withRunbook(scope, {
        alert: 'RemoteWriteReceiverErrors',
        expr:
          'sum(rate(prometheus_http_requests_total{handler="/api/v1/write", code!~"2.."}[5m])) ' +
          '/ sum(rate(prometheus_http_requests_total{handler="/api/v1/write"}[5m])) > 0.05',
        for: Duration.minutes(5),
        severity: 'warning',
        summary: 'Prometheus refuses {{ $value | humanizePercentage }} of remote writes',
        description: 'Load-test metrics pushed by k6 (or any remote-write client) are being lost.',
      }),
      // One name for both levels: Alertmanager's inhibition (same namespace and alertname) then silences
      // the warning while the critical alert fires.
      withRunbook(scope, {
        alert: 'VolumeFillingUp',
        expr: `${freeShare} < 0.10`,
        for: Duration.minutes(10),
        severity: 'warning',
        summary: 'Volume {{ $labels.persistentvolumeclaim }} in {{ $labels.namespace }} has less than 10% free',
      }),
      withRunbook(scope, {
        alert: 'VolumeFillingUp',
        expr: `${freeShare} < 0.03`,
        for: Duration.minutes(5),
        severity: 'critical',
        summary: 'Volume {{ $labels.persistentvolumeclaim }} in {{ $labels.namespace }} has less than 3% free',
      }),
      withRunbook(scope, {
        alert: 'HorizontalAutoscalerAtMax',
        // KEDA's ScaledObjects scale through an HPA of their own, so this covers them too.
        expr: 'kube_horizontalpodautoscaler_status_current_replicas >= kube_horizontalpodautoscaler_spec_max_replicas',
        for: Duration.minutes(15),
        severity: 'warning',
        summary: 'Autoscaler {{ $labels.horizontalpodautoscaler }} in {{ $labels.namespace }} has run at its maximum replicas for 15 minutes',
        description: 'The workload may need more replicas than it may have: its latency grows under the load.',
      }),
    ],
  };
}
