import { Duration } from 'cdk8s';
import { RuleGroup } from './prometheus-rule';

/**
 * The alerts that matter for this platform, beside the chart's default rules: a scrape target that stays
 * down, remote writes (k6) that Prometheus refuses, and a volume about to fill up. Severities are the ones
 * the chart's Alertmanager configuration routes and inhibits on.
 */
export function platformAlerts(): RuleGroup {
  return {
    name: 'ballast.platform',
    rules: [
      {
        alert: 'ScrapeTargetDown',
        expr: 'up == 0',
        for: Duration.minutes(5),
        severity: 'warning',
        summary: 'Prometheus cannot scrape {{ $labels.job }} at {{ $labels.instance }}',
        description: 'The target has been down for 5 minutes: its metrics, and every autoscaler reading them, are blind.',
      },
      {
        alert: 'RemoteWriteReceiverErrors',
        expr:
          'sum(rate(prometheus_http_requests_total{handler="/api/v1/write", code!~"2.."}[5m])) ' +
          '/ sum(rate(prometheus_http_requests_total{handler="/api/v1/write"}[5m])) > 0.05',
        for: Duration.minutes(5),
        severity: 'warning',
        summary: 'Prometheus refuses {{ $value | humanizePercentage }} of remote writes',
        description: 'Load-test metrics pushed by k6 (or any remote-write client) are being lost.',
      },
      {
        alert: 'VolumeFillingUp',
        expr: 'kubelet_volume_stats_available_bytes / kubelet_volume_stats_capacity_bytes < 0.10',
        for: Duration.minutes(10),
        severity: 'warning',
        summary: 'Volume {{ $labels.persistentvolumeclaim }} in {{ $labels.namespace }} has less than 10% free',
      },
      {
        alert: 'VolumeAlmostFull',
        expr: 'kubelet_volume_stats_available_bytes / kubelet_volume_stats_capacity_bytes < 0.03',
        for: Duration.minutes(5),
        severity: 'critical',
        summary: 'Volume {{ $labels.persistentvolumeclaim }} in {{ $labels.namespace }} has less than 3% free',
      },
    ],
  };
}
