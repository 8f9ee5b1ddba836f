import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { RuleGroup } from '../monitoring/prometheus-rule';
import { withRunbook } from '../monitoring/platform-alerts';

/** The prefix of the Barman Cloud plugin's metrics: its name with "." and "-" as "_". */
const PLUGIN_METRICS = 'barman_cloud_cloudnative_pg_io';

/** What the alerts of one PostgreSQL cluster select on. */
export interface PostgresAlertsInputs {
  readonly namespace: string;
  /** The `Cluster`'s name: its exporter's `cluster` label. */
  readonly clusterName: string;
  /** Whether WAL goes to a backup store (then archiving and base backups are watched too). */
  readonly backups: boolean;
}

/**
 * The alerts of one CloudNativePG cluster, from its instances' exporter (`cnpg_collector_up{cluster}`,
 * `cnpg_pg_replication_lag`: CloudNativePG 1.30's pg_collector.go and default-monitoring.yaml). Per
 * cluster, so that a cluster whose every instance is gone (no series left at all) still alerts.
 */
export function postgresAlerts(scope: IConstruct, inputs: PostgresAlertsInputs): RuleGroup {
  const instances = `namespace="${inputs.namespace}", cluster="${inputs.clusterName}"`;
  const pods = `namespace="${inputs.namespace}", pod=~"${inputs.clusterName}-[0-9]+"`;
  const where = `PostgreSQL cluster ${inputs.clusterName} in ${inputs.namespace}`;
  return {
    name: `ballast.postgres.${inputs.namespace}.${inputs.clusterName}`,
    rules: [
      withRunbook(scope, {
        alert: 'PostgresClusterDown',
        // No instance up: every series is 0, or the instances are gone and there is none.
        expr: `absent(cnpg_collector_up{${instances}} == 1)`,
        for: Duration.minutes(2),
        severity: 'critical',
        labels: { namespace: inputs.namespace, cluster: inputs.clusterName },
        summary: `No instance of ${where} is up`,
        description: 'Applications using the cluster cannot write, and cannot read when no replica is up either.',
      }),
      withRunbook(scope, {
        alert: 'PostgresInstanceDown',
        expr: `cnpg_collector_up{${instances}} == 0`,
        for: Duration.minutes(5),
        severity: 'warning',
        summary: `Instance {{ $labels.pod }} of ${where} is down`,
      }),
      withRunbook(scope, {
        alert: 'PostgresReplicaLagging',
        expr: `cnpg_pg_replication_lag{${pods}} > 30`,
        for: Duration.minutes(5),
        severity: 'warning',
        summary: `Replica {{ $labels.pod }} of ${where} is {{ $value | humanizeDuration }} behind the primary`,
        description: 'Reads from the read-only service return data that old.',
      }),
      ...(inputs.backups
        ? [
            withRunbook(scope, {
              alert: 'PostgresWalArchivingFailing',
              // Segments waiting in archive_status/*.ready: archive_command keeps failing on them.
              expr: `cnpg_collector_pg_wal_archive_status{${pods}, value="ready"} > 5`,
              for: Duration.minutes(10),
              severity: 'critical',
              summary: `{{ $value }} WAL segments of {{ $labels.pod }} (${where}) wait to be archived`,
              description: 'Point-in-time recovery stops at the last archived segment, and the waiting segments fill the volume.',
            }),
            withRunbook(scope, {
              alert: 'PostgresBackupFailing',
              // The Barman Cloud plugin's metrics (plugin-barman-cloud v0.15.0, internal/cnpgi/instance/metrics.go),
              // which the instances' exporter serves; CloudNativePG's own cnpg_collector_*_backup_* are deprecated.
              expr: `${PLUGIN_METRICS}_last_failed_backup_timestamp{${pods}} > ${PLUGIN_METRICS}_last_available_backup_timestamp{${pods}}`,
              severity: 'warning',
              summary: `The last base backup of ${where} failed`,
              description: 'Restores start from an older backup, and replay more WAL.',
            }),
          ]
        : []),
    ],
  };
}
