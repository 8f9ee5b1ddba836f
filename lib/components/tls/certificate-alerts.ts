import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { RuleGroup } from '../monitoring/prometheus-rule';
import { withRunbook } from '../monitoring/platform-alerts';

/**
 * Alerts on every certificate cert-manager manages, from its controller's metrics
 * (`certmanager_certificate_expiration_timestamp_seconds`, `certmanager_certificate_ready_status`). The
 * scrape keeps the pod's own `namespace`, so the certificate's namespace is `exported_namespace`.
 */
export function certificateAlerts(scope: IConstruct): RuleGroup {
  const left = 'certmanager_certificate_expiration_timestamp_seconds - time()';
  const where = '{{ $labels.name }} in {{ $labels.exported_namespace }}';
  // cert-manager renews 30 days (a third of Let's Encrypt's 90) before expiry: 14 days left means its
  // renewals have failed for two weeks.
  return {
    name: 'ballast.certificates',
    rules: [
      withRunbook(scope, {
        alert: 'CertificateExpiring',
        expr: `${left} < 14 * 86400`,
        for: Duration.hours(1),
        severity: 'warning',
        summary: `Certificate ${where} expires in {{ $value | humanizeDuration }}`,
        description: 'cert-manager has not renewed it: its renewals are failing.',
      }),
      withRunbook(scope, {
        alert: 'CertificateExpiring',
        expr: `${left} < 3 * 86400`,
        for: Duration.minutes(10),
        severity: 'critical',
        summary: `Certificate ${where} expires in {{ $value | humanizeDuration }}`,
        description: 'Clients refuse the host once it expires.',
      }),
      withRunbook(scope, {
        alert: 'CertificateNotReady',
        expr: 'certmanager_certificate_ready_status{condition="False"} == 1',
        for: Duration.minutes(15),
        severity: 'warning',
        summary: `Certificate ${where} has not been ready for 15 minutes`,
      }),
    ],
  };
}
